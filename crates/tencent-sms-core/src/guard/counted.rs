//! What a send counts against: fixed windows, the rules that count, and one counter a send
//! increments. Where the counts are kept (this process or Redis) is the runtime's business.

/// One fixed window: which one, and how long its counter must live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The window's number since the epoch (shifted by the offset); part of the counter's key.
    pub index: i64,
    /// Unix seconds when the window ends: its counter may be forgotten then.
    pub ends_at: i64,
}

impl Window {
    /// The window of `seconds` that `now` falls in, aligned to `offset` seconds after the epoch
    /// (8 hours for Beijing days).
    pub fn containing(now: i64, seconds: u64, offset: i64) -> Self {
        let seconds = seconds.max(1) as i64;
        let index = (now + offset).div_euclid(seconds);
        Self {
            index,
            ends_at: (index + 1) * seconds - offset,
        }
    }
}

/// The rules that count sends; each keeps its counters apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountedRule {
    /// `guard.perIp`.
    PerIp,
    /// `guard.perPrefix`.
    PerPrefix,
    /// `guard.internationalDailyLimit`.
    InternationalDaily,
}

impl CountedRule {
    /// How many rules count: one store of counters each.
    pub const COUNT: usize = 3;

    /// The config key an error names.
    pub fn config_key(self) -> &'static str {
        match self {
            Self::PerIp => "guard.perIp",
            Self::PerPrefix => "guard.perPrefix",
            Self::InternationalDaily => "guard.internationalDailyLimit",
        }
    }

    /// The rule's place among the [`Self::COUNT`] stores of counters.
    pub fn slot(self) -> usize {
        self as usize
    }

    /// Keys an attacker can multiply (addresses, number ranges) may be evicted; the daily cap's
    /// keys are one per SMS app, so forgetting one would only reset the cap.
    pub fn evictable(self) -> bool {
        !matches!(self, Self::InternationalDaily)
    }
}

/// One counter a send increments, and the most it may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The rule that counts it.
    pub rule: CountedRule,
    /// The message type whose own rule it is (`guard.byType`), or `None` for a top-level rule.
    pub scope: Option<&'static str>,
    /// The counter's key within the rule: the SMS app and the address or number range.
    pub key: String,
    /// The window it is counted in.
    pub window: Window,
    /// The most sends the window admits.
    pub max: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_fixed_and_beijing_days_start_at_beijing_midnight() {
        let w = Window::containing(125, 60, 0);
        assert_eq!((w.index, w.ends_at), (2, 180));
        // 2024-05-01 15:59:59 UTC is 23:59:59 in Beijing; a second later is the next day.
        let before = Window::containing(1_714_579_199, 86_400, 8 * 3_600);
        let after = Window::containing(1_714_579_200, 86_400, 8 * 3_600);
        assert_eq!(after.index, before.index + 1);
        assert_eq!(before.ends_at, 1_714_579_200);
    }
}
