//! libphonenumber's number types, as the `guard.numberTypes` config key names them: a leaf that
//! the guard's config reads and its rules produce.

use phonenumber::Type;

/// libphonenumber's number types, named as the config writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberType {
    /// A mobile number.
    Mobile,
    /// A fixed line.
    FixedLine,
    /// A range that may be either (common in the US and China).
    FixedLineOrMobile,
    /// Free to the caller.
    TollFree,
    /// Premium rate: the costliest destination of SMS pumping.
    PremiumRate,
    /// Cost shared between caller and receiver.
    SharedCost,
    /// A personal number routed anywhere.
    PersonalNumber,
    /// Voice over IP.
    Voip,
    /// A pager.
    Pager,
    /// A universal access (company) number.
    Uan,
    /// Voicemail access.
    Voicemail,
    /// Anything else libphonenumber cannot tell.
    Unknown,
}

impl NumberType {
    /// Every type, in the order an issue lists the accepted names.
    const ALL: [Self; 12] = [
        Self::Mobile,
        Self::FixedLine,
        Self::FixedLineOrMobile,
        Self::TollFree,
        Self::PremiumRate,
        Self::SharedCost,
        Self::PersonalNumber,
        Self::Voip,
        Self::Pager,
        Self::Uan,
        Self::Voicemail,
        Self::Unknown,
    ];

    /// The name the config writes: the one place names are spelled.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Mobile => "mobile",
            Self::FixedLine => "fixedLine",
            Self::FixedLineOrMobile => "fixedLineOrMobile",
            Self::TollFree => "tollFree",
            Self::PremiumRate => "premiumRate",
            Self::SharedCost => "sharedCost",
            Self::PersonalNumber => "personalNumber",
            Self::Voip => "voip",
            Self::Pager => "pager",
            Self::Uan => "uan",
            Self::Voicemail => "voicemail",
            Self::Unknown => "unknown",
        }
    }

    /// The names the config accepts, in order, for an issue to list.
    pub(crate) fn names() -> impl Iterator<Item = &'static str> {
        Self::ALL.into_iter().map(Self::name)
    }

    /// The type a config name stands for.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The type libphonenumber found.
    pub(crate) fn of(kind: Type) -> Self {
        match kind {
            Type::Mobile => Self::Mobile,
            Type::FixedLine => Self::FixedLine,
            Type::FixedLineOrMobile => Self::FixedLineOrMobile,
            Type::TollFree => Self::TollFree,
            Type::PremiumRate => Self::PremiumRate,
            Type::SharedCost => Self::SharedCost,
            Type::PersonalNumber => Self::PersonalNumber,
            Type::Voip => Self::Voip,
            Type::Pager => Self::Pager,
            Type::Uan => Self::Uan,
            Type::Voicemail => Self::Voicemail,
            _ => Self::Unknown,
        }
    }
}
