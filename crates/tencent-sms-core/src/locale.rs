//! How close a template's `locale` is to the user's, by BCP 47's parts: language, script,
//! region.
//!
//! Logto passes what the browser or the app resolved (`zh`, `zh-Hans-CN`, `en_US`, …), and an
//! operator names templates as Tencent's console does (`zh-CN`, `zh-TW`, `en`). Comparing
//! tags as text would send `zh` users a `zh-TW` template listed first and `en_US` users an
//! `en-GB` one. So both tags are read into their parts (`_` as `-`, any case), Chinese is
//! completed with its likely script and region as CLDR's likely subtags do (`zh` is
//! `zh-Hans-CN`, `zh-Hant` is `zh-Hant-TW`, `zh-HK` is `zh-Hant-HK`), and a template scores by
//! what it shares with the user's tag. The script counts most, since a user cannot read the
//! other one; then the region; a template that names no region is a better guess than one
//! naming another region.

/// A tag's parts, lower-case language, title-case script, upper-case region.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tag {
    language: String,
    script: Option<String>,
    region: Option<String>,
}

impl Tag {
    fn parse(tag: &str) -> Self {
        let mut parts = tag.split(['-', '_']).filter(|part| !part.is_empty());
        let language = parts.next().unwrap_or_default().to_ascii_lowercase();
        let (mut script, mut region) = (None, None);
        for part in parts {
            let letters = part.bytes().all(|b| b.is_ascii_alphabetic());
            match part.len() {
                4 if letters && script.is_none() && region.is_none() => {
                    let mut title = part.to_ascii_lowercase();
                    title[..1].make_ascii_uppercase();
                    script = Some(title);
                }
                2 if letters && region.is_none() => region = Some(part.to_ascii_uppercase()),
                3 if part.bytes().all(|b| b.is_ascii_digit()) && region.is_none() => {
                    region = Some(part.to_owned());
                }
                _ => {}
            }
        }
        Self {
            language,
            script,
            region,
        }
        .with_likely_subtags()
    }

    /// Chinese with the script and region it most likely means (CLDR's likely subtags).
    fn with_likely_subtags(mut self) -> Self {
        if self.language != "zh" {
            return self;
        }
        let traditional = |region: &str| matches!(region, "TW" | "HK" | "MO");
        let script = self.script.clone().unwrap_or_else(|| {
            match self.region.as_deref().is_some_and(traditional) {
                true => "Hant".to_owned(),
                false => "Hans".to_owned(),
            }
        });
        if self.region.is_none() {
            self.region = Some(if script == "Hant" { "TW" } else { "CN" }.to_owned());
        }
        self.script = Some(script);
        self
    }
}

/// How well a template in `candidate` suits a user of `wanted`: `None` for another language,
/// else higher is better.
pub(crate) fn match_score(wanted: &str, candidate: &str) -> Option<u8> {
    let (wanted, candidate) = (Tag::parse(wanted), Tag::parse(candidate));
    if wanted.language != candidate.language {
        return None;
    }
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    let mut score = 0;
    if wanted == candidate {
        score += 8;
    }
    if same(&wanted.script, &candidate.script) {
        score += 4;
    }
    if same(&wanted.region, &candidate.region) {
        score += 2;
    } else if candidate.region.is_none() {
        score += 1;
    }
    Some(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_in_any_case_with_either_separator() {
        assert_eq!(Tag::parse("en_us"), Tag::parse("EN-US"));
        assert_eq!(Tag::parse("zh-hans-cn"), Tag::parse("zh-CN"));
        assert_eq!(Tag::parse("zh"), Tag::parse("zh-Hans-CN"));
        assert_eq!(Tag::parse("zh-Hant"), Tag::parse("zh-TW"));
        assert_eq!(Tag::parse("es-419").region.as_deref(), Some("419"));
    }

    #[test]
    fn another_language_never_matches() {
        assert_eq!(match_score("en", "de"), None);
        assert!(match_score("zh", "zh-TW").is_some());
    }
}
