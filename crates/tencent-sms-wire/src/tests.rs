//! The names on the wire, checked against Tencent's documented examples.

use super::*;

#[test]
fn send_sms_reads_and_writes_tencents_names() {
    let body = r#"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1","PhoneNumber":"+8618511122233","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aa"}}"#;
    let read: Envelope<SendSmsResponse> = serde_json::from_str(body).unwrap();
    let status = &read.response.send_status_set.as_ref().unwrap()[0];
    assert_eq!(
        (
            status.serial_no.as_str(),
            status.fee,
            status.iso_code.as_str()
        ),
        ("5000:1", 1, "CN")
    );
    assert_eq!(read.response.request_id(), Some("a0aa"));
    assert!(read.response.error().is_none());
    assert_eq!(serde_json::to_string(&read).unwrap(), body);
}

#[test]
fn a_refusal_is_the_error_and_the_request_id() {
    let body = r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"},"RequestId":"ed93"}}"#;
    let read: Envelope<SendStatusStatisticsResponse> = serde_json::from_str(body).unwrap();
    assert_eq!(
        read.response.error().unwrap().code,
        "AuthFailure.SignatureFailure"
    );
    assert!(read.response.send_status_statistics.is_none());
    assert_eq!(serde_json::to_string(&read).unwrap(), body);
}

#[test]
fn requests_leave_unset_fields_out_in_tencents_order() {
    let request = SendSmsRequest {
        phone_number_set: Some(vec!["+8613711112222".into()]),
        sms_sdk_app_id: Some("1400000000".into()),
        template_id: Some("1000001".into()),
        template_param_set: Some(vec!["123456".into()]),
        sign_name: Some("Logto".into()),
        ..SendSmsRequest::default()
    };
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"PhoneNumberSet":["+8613711112222"],"SmsSdkAppId":"1400000000","TemplateId":"1000001","TemplateParamSet":["123456"],"SignName":"Logto"}"#
    );
}

#[test]
fn placeholders_are_counted_by_their_highest_number() {
    assert_eq!(
        placeholder_count("Your code is {1}, valid for {2} minutes."),
        2
    );
    assert_eq!(placeholder_count("{2} only"), 2);
    assert_eq!(placeholder_count("no placeholder"), 0);
    assert_eq!(placeholder_count("{x} {"), 0);
    assert_eq!(placeholder_count("{1} {x} {}"), 1);
}
