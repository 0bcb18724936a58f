//! A scenario to and from a share link or a `.json` file, with limits and
//! clear errors: everything arriving this way is untrusted.
//!
//! A link keeps the scenario in the URL fragment (never sent to a server):
//! `#s=<format version>.<base64url(zlib(canonical JSON))>`: zlib (RFC 1950:
//! DEFLATE with an Adler-32 checksum, so a damaged link is refused rather
//! than opened as another design) by `miniz_oxide`, base64url without
//! padding (RFC 4648 §5) by `base64`. Links of versions 1 and 2 hold raw
//! DEFLATE (RFC 1951) without a checksum and keep opening. The canonical
//! JSON is [`Scenario::to_json`]: compact, fields in declaration order, so
//! a scenario always gives the same link.
//!
//! `#x=<slug>` is the short link of a shipped exercise: it opens the
//! exercise as this build ships it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use miniz_oxide::inflate::TINFLStatus;
use thiserror::Error;

use crate::model::{Scenario, ValidationError, FORMAT_VERSION};
use crate::workshop::exercises;

/// Most bytes of JSON a link or a file may hold, bytes (1 MiB): more is
/// refused before it is parsed (a link's data is inflated at most this far,
/// so a decompression bomb costs nothing).
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// Most characters of a link's encoded data: deflate never grows data by
/// more than a few bytes per 64 KiB block and base64 by 4/3, so a valid
/// link is shorter than this.
const MAX_LINK_CHARS: usize = MAX_JSON_BYTES / 3 * 4 + 1024;

/// The fragment key of a scenario: `#s=`.
const KEY: &str = "s=";

/// The fragment key of a shipped exercise: `#x=`.
const EXERCISE_KEY: &str = "x=";

/// The first link version with a checksum (zlib rather than raw DEFLATE).
const CHECKSUM_SINCE: u64 = 3;

/// DEFLATE level of links: the best compression (links are short).
const LEVEL: u8 = 9;

/// Why a link or a file could not be opened. Every message says what is
/// wrong in words a user can act on.
#[derive(Debug, Error, PartialEq)]
pub enum ShareError {
    /// No `s=` or `x=` in the fragment.
    #[error("this link holds no design: it should end in `#s=<version>.<data>` or `#x=<exercise>`")]
    NotALink,
    /// `#x=` names no shipped exercise.
    #[error("this link names an exercise this ArchSim does not have (`{0}`)")]
    UnknownExercise(String),
    /// The part before the dot is not a version number.
    #[error("the link's format version `{0}` is not a number: the link is damaged")]
    BadVersion(String),
    /// Made by a newer ArchSim.
    #[error("the link was made by a newer ArchSim (format {found}; this one reads up to {supported}): update ArchSim")]
    NewerVersion {
        /// Version in the link.
        found: u64,
        /// Newest this build reads.
        supported: u32,
    },
    /// Not base64url text.
    #[error("the link is damaged (not base64url data): {0}")]
    Base64(String),
    /// The data is not complete DEFLATE data, or its checksum does not
    /// match.
    #[error("the link is damaged or cut short: its data does not unpack ({0})")]
    Inflate(&'static str),
    /// Over [`MAX_JSON_BYTES`].
    #[error("the design is over the 1 MiB limit (unpacked): not opened")]
    TooLarge,
    /// The unpacked data is not UTF-8 text.
    #[error("the link's data is not text: the link is damaged")]
    NotText,
    /// Well-formed but not a valid scenario.
    #[error("{0}")]
    Scenario(ValidationError),
}

impl ShareError {
    /// What went wrong in a user's words, without the details, e.g. `this
    /// link is damaged or cut short`.
    pub fn headline(&self) -> &'static str {
        match self {
            ShareError::NotALink => "this link holds no design",
            ShareError::UnknownExercise(_) => "this link names an exercise this ArchSim does not have",
            ShareError::NewerVersion { .. } => "this link was made by a newer ArchSim",
            ShareError::BadVersion(_) | ShareError::Base64(_) | ShareError::Inflate(_) | ShareError::NotText => {
                "this link is damaged or cut short"
            }
            ShareError::TooLarge => "this design is over the 1 MiB limit",
            ShareError::Scenario(_) => "this link holds a design ArchSim cannot open",
        }
    }
}

impl From<ValidationError> for ShareError {
    fn from(e: ValidationError) -> Self {
        ShareError::Scenario(e)
    }
}

/// The link fragment of `scenario`, without the `#`:
/// `s=<version>.<data>`.
///
/// Errors: a value JSON cannot hold (a non-finite number).
pub fn to_fragment(scenario: &Scenario) -> Result<String, String> {
    let json = scenario.to_json()?;
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), LEVEL);
    Ok(format!("{KEY}{FORMAT_VERSION}.{}", URL_SAFE_NO_PAD.encode(packed)))
}

/// The short link fragment of `scenario`, without the `#`: `x=<slug>`,
/// when the design is its exercise exactly as this build ships it (a copy
/// just opened, and no participant name); `None` otherwise.
pub fn short_fragment(scenario: &Scenario) -> Option<String> {
    let slug = &scenario.exercise.as_ref()?.slug;
    let shipped = exercises::find(slug)?.scenario().ok()?;
    (shipped == *scenario).then(|| format!("{EXERCISE_KEY}{slug}"))
}

/// The scenario in a link: a whole URL, a fragment with or without `#`,
/// or the `s=…` or `x=…` part. It is parsed, migrated to the current
/// format and validated.
///
/// Errors: every [`ShareError`]; never panics, whatever the input.
pub fn from_link(link: &str) -> Result<Scenario, ShareError> {
    let fragment = link.rsplit_once('#').map_or(link, |(_, f)| f).trim();
    if let Some(slug) = fragment.strip_prefix(EXERCISE_KEY) {
        let exercise = exercises::find(slug).ok_or_else(|| ShareError::UnknownExercise(shorten(slug)))?;
        return Ok(exercise.scenario()?);
    }
    let data = fragment.strip_prefix(KEY).ok_or(ShareError::NotALink)?;
    let (version, encoded) = data.split_once('.').ok_or(ShareError::NotALink)?;
    let version: u64 = version.parse().map_err(|_| ShareError::BadVersion(shorten(version)))?;
    if version > u64::from(FORMAT_VERSION) {
        return Err(ShareError::NewerVersion { found: version, supported: FORMAT_VERSION });
    }
    if encoded.len() > MAX_LINK_CHARS {
        return Err(ShareError::TooLarge);
    }
    let packed = URL_SAFE_NO_PAD.decode(encoded).map_err(|e| ShareError::Base64(e.to_string()))?;
    let unpacked = if version >= CHECKSUM_SINCE {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed, MAX_JSON_BYTES)
    } else {
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON_BYTES)
    };
    let json = unpacked.map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => ShareError::TooLarge,
        TINFLStatus::FailedCannotMakeProgress => ShareError::Inflate("it ends too early"),
        TINFLStatus::Adler32Mismatch => ShareError::Inflate("its checksum does not match"),
        _ => ShareError::Inflate("invalid DEFLATE data"),
    })?;
    let text = String::from_utf8(json).map_err(|_| ShareError::NotText)?;
    from_json(&text)
}

/// The scenario in a `.json` file's text: size-checked, parsed, migrated
/// and validated.
///
/// Errors: [`ShareError::TooLarge`] over 1 MiB, [`ShareError::Scenario`]
/// for malformed JSON (with line and column) or an invalid scenario (every
/// problem with its JSON path).
pub fn from_file(text: &str) -> Result<Scenario, ShareError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(ShareError::TooLarge);
    }
    from_json(text)
}

/// The text of a `.json` file for `scenario`: indented JSON.
///
/// Errors: a value JSON cannot hold (a non-finite number).
pub fn to_file(scenario: &Scenario) -> Result<String, String> {
    serde_json::to_value(scenario).and_then(|v| serde_json::to_string_pretty(&v)).map_err(|e| e.to_string())
}

fn from_json(text: &str) -> Result<Scenario, ShareError> {
    let scenario = Scenario::from_json(text)?;
    scenario.validate()?;
    Ok(scenario)
}

/// At most 20 characters of untrusted text, for a message.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(20).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_round_trips_and_is_stable() {
        let mut s = Scenario::empty();
        s.title = "Round trip ✓".into();
        let link = to_fragment(&s).unwrap();
        assert!(link.starts_with(&format!("s={FORMAT_VERSION}.")));
        assert_eq!(from_link(&format!("https://example.org/app/#{link}")), Ok(s.clone()));
        assert_eq!(to_fragment(&s).unwrap(), link);
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        let link = to_fragment(&Scenario::empty()).unwrap();
        assert_eq!(from_link("https://example.org/#y=1"), Err(ShareError::NotALink));
        assert_eq!(from_link("#s=two.abc"), Err(ShareError::BadVersion("two".into())));
        assert!(matches!(from_link("#s=99.abc"), Err(ShareError::NewerVersion { found: 99, .. })));
        assert!(matches!(from_link(&format!("{link}*")), Err(ShareError::Base64(_))));
        let packed = URL_SAFE_NO_PAD.decode(&link[4..]).unwrap();
        let cut = format!("s=3.{}", URL_SAFE_NO_PAD.encode(&packed[..packed.len() / 2]));
        assert_eq!(from_link(&cut), Err(ShareError::Inflate("it ends too early")));
        assert!(matches!(from_link("#x=no-such-exercise"), Err(ShareError::UnknownExercise(_))));
    }

    /// With the checksum, changing any one character of a link's data
    /// refuses the link; it never opens another design.
    #[test]
    fn a_damaged_link_never_opens_another_design() {
        let s = exercises::find("zone-outage").unwrap().scenario().unwrap();
        let link = to_fragment(&s).unwrap();
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut refused = 0;
        for i in 4..link.len() {
            let mut bytes = link.clone().into_bytes();
            bytes[i] = *alphabet.iter().find(|&&c| c != bytes[i]).unwrap();
            match from_link(std::str::from_utf8(&bytes).unwrap()) {
                Ok(opened) => assert_eq!(opened, s, "position {i} opened another design"),
                Err(e) => {
                    assert_eq!(e.headline(), "this link is damaged or cut short", "{e}");
                    refused += 1;
                }
            }
        }
        // Only the unused low bits of the last character may change freely.
        assert!(refused >= link.len() - 5, "{refused} of {}", link.len() - 4);
    }

    #[test]
    fn a_short_link_opens_the_shipped_exercise() {
        let shipped = exercises::find("retry-storm").unwrap().scenario().unwrap();
        assert_eq!(from_link("https://archsim.example/#x=retry-storm"), Ok(shipped.clone()));
        assert_eq!(short_fragment(&shipped).as_deref(), Some("x=retry-storm"));
    }

    #[test]
    fn only_an_unchanged_exercise_has_a_short_link() {
        let shipped = exercises::find("zone-outage").unwrap().scenario().unwrap();
        let mut named = shipped.clone();
        named.participant = "Ada".into();
        let mut edited = shipped.clone();
        edited.nodes.pop();
        assert_eq!((short_fragment(&named), short_fragment(&edited)), (None, None));
        assert_eq!(short_fragment(&Scenario::empty()), None);
    }

    #[test]
    fn a_decompression_bomb_is_refused_unpacked_only_to_the_limit() {
        // 8 MiB of spaces deflate to a few KB.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 8 << 20], 9);
        assert!(bomb.len() < 20_000);
        let link = format!("#s=2.{}", URL_SAFE_NO_PAD.encode(bomb));
        assert_eq!(from_link(&link), Err(ShareError::TooLarge));
        let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&vec![b' '; 8 << 20], 9);
        let link = format!("#s=3.{}", URL_SAFE_NO_PAD.encode(bomb));
        assert_eq!(from_link(&link), Err(ShareError::TooLarge));
    }
}
