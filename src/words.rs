//! Words for people, shared by the engine's event log and the page.

/// `n` with its noun, singular or plural: "1 replica", "3 replicas"
/// (regular nouns only: an "s" is added).
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Items joined as a sentence says them: "a", "a and b", "a, b and c".
pub fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `text` with its first letter upper case: "this link…" → "This link…".
/// For our own (ASCII) words: Unicode case tables would add about 24 KB
/// to the page.
pub fn capitalized(text: &str) -> String {
    let mut text = text.to_owned();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalized_raises_the_first_letter_only() {
        assert_eq!(capitalized("this link is damaged"), "This link is damaged");
        assert_eq!(capitalized(""), "");
        assert_eq!(capitalized("élan"), "élan");
    }

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "replica"), "1 replica");
        assert_eq!(count(0, "backend"), "0 backends");
        assert_eq!(count(3, "replica"), "3 replicas");
    }

    #[test]
    fn a_list_reads_as_a_sentence() {
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["pools"]), "pools");
        assert_eq!(list(&["pools", "caches"]), "pools and caches");
        assert_eq!(list(&["pools", "caches", "queues"]), "pools, caches and queues");
    }
}
