//! Minifies the shipped scenarios (`scenarios/*.json`) into `OUT_DIR`, where
//! `workshop::exercises` embeds them: the page carries their text, and
//! whitespace outside strings is about a tenth of its weight.

use std::{env, fs, path::Path};

/// `json` without whitespace outside strings.
fn minify(json: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::with_capacity(json.len()), false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            (escaped, in_string) = match (escaped, c) {
                (true, _) => (false, true),
                (false, '\\') => (true, true),
                (false, '"') => (false, false),
                _ => (false, true),
            };
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

fn main() {
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("scenarios");
    fs::create_dir_all(&out).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=scenarios");
    for entry in fs::read_dir("scenarios").expect("scenarios/ exists").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = fs::read_to_string(&path).expect("a scenario file reads");
            fs::write(out.join(entry.file_name()), minify(&text)).expect("OUT_DIR is writable");
        }
    }
}
