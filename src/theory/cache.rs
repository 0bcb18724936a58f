//! Cache hit ratios under the independent reference model (IRM).
//!
//! Che's approximation of an LRU cache (H. Che, Y. Tung and Z. Wang,
//! "Hierarchical Web caching systems: modeling, design and experimental
//! results", *IEEE JSAC* 20(7), 2002; its accuracy explained by C. Fricker,
//! P. Robert and J. Roberts, "A versatile and accurate approximation for LRU
//! cache performance", ITC 24, 2012): an item stays in a cache of C items
//! for a characteristic time T_C after its last request, where T_C solves
//! Σᵢ (1 − e^(−pᵢ·T_C)) = C; item i then hits with probability
//! 1 − e^(−pᵢ·T_C), and the hit ratio is Σᵢ pᵢ (1 − e^(−pᵢ·T_C)).

/// Zipf(s) popularity over ranks 1..=n: pᵢ = i^(−s) / Σⱼ j^(−s).
pub fn zipf_popularity(n: u64, s: f64) -> Vec<f64> {
    let weights: Vec<f64> = (1..=n).map(|i| (i as f64).powf(-s)).collect();
    let total: f64 = weights.iter().sum();
    weights.into_iter().map(|w| w / total).collect()
}

/// Che's characteristic time T_C (in requests) of an LRU cache of
/// `capacity` items under popularities `p` (summing to 1), by bisection to
/// relative precision 1e-12. Infinite when the cache holds every item.
pub fn che_characteristic_time(p: &[f64], capacity: f64) -> f64 {
    if capacity >= p.len() as f64 {
        return f64::INFINITY;
    }
    let filled = |t: f64| p.iter().map(|&pi| 1.0 - (-pi * t).exp()).sum::<f64>();
    let mut hi = 1.0;
    while filled(hi) < capacity {
        hi *= 2.0;
    }
    let mut lo = 0.0;
    while hi - lo > hi * 1e-12 {
        let mid = 0.5 * (lo + hi);
        if filled(mid) < capacity {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Che's approximation of the steady-state hit ratio (0–1) of an LRU cache
/// of `capacity` items under popularities `p` (summing to 1).
pub fn che_lru_hit_ratio(p: &[f64], capacity: f64) -> f64 {
    let t = che_characteristic_time(p, capacity);
    if t.is_infinite() {
        return 1.0;
    }
    p.iter().map(|&pi| pi * (1.0 - (-pi * t).exp())).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_popularity_hits_in_proportion_to_capacity() {
        // Under uniform popularity every item is alike: an LRU cache of C of
        // N items hits with probability exactly C/N, and Che's fixed point
        // gives N(1 − e^(−T/N)) = C, so the same C/N.
        let p = vec![1e-3; 1000];
        assert!((che_lru_hit_ratio(&p, 250.0) - 0.25).abs() < 1e-9);
        assert_eq!(che_lru_hit_ratio(&p, 1000.0), 1.0);
    }

    #[test]
    fn two_items_one_slot_matches_the_exact_lru_chain() {
        // One slot, two items: the cache holds the last item requested, so
        // the hit ratio is exactly p₁² + p₂² (= 0.68 for 0.8 / 0.2); Che's
        // approximation is known to be off here (small caches), but not by
        // more than a few points.
        let h = che_lru_hit_ratio(&[0.8, 0.2], 1.0);
        assert!((h - 0.68).abs() < 0.05, "{h}");
    }
}
