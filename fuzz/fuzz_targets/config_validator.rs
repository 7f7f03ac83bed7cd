#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tencent_sms_core::fuzzing::check_config_validator(data));
