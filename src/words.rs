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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "replica"), "1 replica");
        assert_eq!(count(0, "backend"), "0 backends");
        assert_eq!(count(3, "replica"), "3 replicas");
    }
}
