//! Share links and files: golden links keep opening, every preset round
//! trips, and no input, however damaged, makes the decoder panic.

use archsim::model::FORMAT_VERSION;
use archsim::share::{self, ShareError};
use archsim::workshop::exercises::EXERCISES;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

fn golden(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Links made by earlier releases open (migrated) forever.
#[test]
fn golden_links_keep_opening() {
    let v1 = share::from_link(&golden("v1-three-tier.link")).unwrap();
    assert_eq!(v1.version, FORMAT_VERSION);
    assert_eq!(v1.title, "Three-tier web application");
    assert_eq!(v1.nodes.len(), 5);
    assert!(v1.objectives.is_empty());
    let v2 = share::from_link(&golden("v2-retry-storm.link")).unwrap();
    assert_eq!(v2.title, "Retry storm");
    assert_eq!(v2.objectives.len(), 2);
    let v3 = share::from_link(&golden("v3-zone-outage-solution.link")).unwrap();
    assert_eq!((v3.participant.as_str(), v3.exercise.unwrap().slug.as_str()), ("Ada Lovelace", "zone-outage"));
}

#[test]
fn every_preset_round_trips_through_a_link_and_a_file() {
    for p in EXERCISES {
        let s = p.scenario().unwrap();
        let link = share::to_fragment(&s).unwrap();
        assert_eq!(share::from_link(&format!("https://x.test/#{link}")).unwrap(), s, "{}", p.slug);
        assert_eq!(share::from_file(&share::to_file(&s).unwrap()).unwrap(), s, "{}", p.slug);
        assert!(link.len() < 4000, "{}: a {}-character link", p.slug, link.len());
    }
}

#[test]
fn an_invalid_scenario_in_a_link_names_the_problem_and_its_path() {
    let json = r#"{"version":2,"nodes":[{"id":"a","kind":"service","params":{"replicas":0}}]}"#;
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6);
    let err = share::from_link(&format!("#s=2.{}", URL_SAFE_NO_PAD.encode(packed))).unwrap_err();
    assert!(matches!(err, ShareError::Scenario(_)));
    assert!(err.to_string().contains("$.nodes[0].params.replicas"), "{err}");
}

/// Random and mutated links: at least 100,000 cases (`ARCHSIM_FUZZ_CASES`
/// for a longer run). Each must decode or fail with an error, never panic.
/// Mutations hit every layer: the base64 text, the deflated bytes and the
/// JSON inside.
#[test]
fn no_link_makes_the_decoder_panic() {
    let cases: usize = std::env::var("ARCHSIM_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x5eed);
    let jsons: Vec<Vec<u8>> = EXERCISES.iter().map(|p| p.scenario().unwrap().to_json().unwrap().into_bytes()).collect();
    let (mut opened, mut refused) = (0, 0);
    for i in 0..cases {
        let json = &jsons[i % jsons.len()];
        let link = match i % 4 {
            // Damage the link text.
            0 => {
                let mut text = format!("s={FORMAT_VERSION}.{}", URL_SAFE_NO_PAD.encode(deflate(json)));
                mutate_text(&mut rng, &mut text);
                text
            }
            // Damage the deflated bytes.
            1 => {
                let mut packed = deflate(json);
                mutate(&mut rng, &mut packed);
                format!("s={FORMAT_VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
            }
            // Damage the JSON, packed correctly: reaches the parser and
            // the validation.
            2 => {
                let mut bytes = json.clone();
                mutate(&mut rng, &mut bytes);
                format!("s={FORMAT_VERSION}.{}", URL_SAFE_NO_PAD.encode(deflate(&bytes)))
            }
            // Random text.
            _ => {
                let len = (rng.next_u32() % 200) as usize;
                let mut text = String::from("s=");
                text.extend((0..len).map(|_| char::from(32 + (rng.next_u32() % 95) as u8)));
                text
            }
        };
        match share::from_link(&link) {
            Ok(_) => opened += 1,
            Err(e) => {
                assert!(!e.to_string().is_empty());
                refused += 1;
            }
        }
    }
    assert_eq!(opened + refused, cases);
    assert!(refused > cases / 2, "{refused} of {cases} refused");
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(bytes, 1)
}

/// Flips, deletes, inserts or truncates a few bytes.
fn mutate(rng: &mut Xoshiro256PlusPlus, bytes: &mut Vec<u8>) {
    for _ in 0..1 + rng.next_u32() % 4 {
        if bytes.is_empty() {
            return;
        }
        let at = (rng.next_u64() % bytes.len() as u64) as usize;
        match rng.next_u32() % 4 {
            0 => bytes[at] ^= 1 << (rng.next_u32() % 8),
            1 => {
                bytes.remove(at);
            }
            2 => bytes.insert(at, rng.next_u32() as u8),
            _ => bytes.truncate(at),
        }
    }
}

/// [`mutate`] on text, kept valid UTF-8 (a link is text).
fn mutate_text(rng: &mut Xoshiro256PlusPlus, text: &mut String) {
    let mut bytes = std::mem::take(text).into_bytes();
    mutate(rng, &mut bytes);
    *text = String::from_utf8_lossy(&bytes).into_owned();
}
