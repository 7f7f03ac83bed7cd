//! Why a code did not arrive: Tencent's review of a template or a sign (for the error the
//! console shows, on the send path: `review`), the delivery receipts of a number
//! (`tencent-sms status`: `receipts`), and a check of a whole config against the live account
//! (`tencent-sms doctor`: `doctor`), over the read-only calls they share (`reads`). Nothing
//! here sends an SMS.

mod doctor;
mod reads;
mod receipts;
mod review;

pub(crate) use doctor::doctor_json;
pub use doctor::{doctor, Check};
pub(crate) use receipts::delivery_receipts;
pub use receipts::{DeliveryStatus, Receipt, RECEIPT_DAYS};
pub(crate) use review::{with_review, REVIEW_LOOKUP_TIMEOUT};
