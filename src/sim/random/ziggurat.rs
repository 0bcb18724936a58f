//! Exponential variates by the ziggurat method (G. Marsaglia and W. W.
//! Tsang, "The Ziggurat Method for Generating Random Variables", *Journal of
//! Statistical Software* 5(8), 2000), with 256 layers. About 99% of draws
//! cost one 64-bit random number, a multiply and a compare; the rest use
//! `libm`. The layer index and the uniform come from disjoint bits of the
//! draw (J. A. Doornik, "An Improved Ziggurat Method to Generate Normal
//! Random Samples", 2005, on why they must not share bits).

use std::sync::OnceLock;

use rand::Rng;

/// Right edge of the base layer, r.
const R: f64 = 7.697_117_470_131_05;
/// Area of each layer, v.
const V: f64 = 3.949_659_822_581_572e-3;
const LAYERS: usize = 256;

struct Tables {
    /// Layer widths x[0..=256], decreasing; x[0] = v / f(r) (the base strip
    /// with its tail), x[1] = r, x[256] = 0.
    x: [f64; LAYERS + 1],
    /// f(x[i]) = e^(−x[i]).
    f: [f64; LAYERS + 1],
    /// x[i+1] / x[i]: below it, a point of layer i is under the curve.
    ratio: [f64; LAYERS],
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; LAYERS + 1];
        x[0] = V / libm::exp(-R);
        x[1] = R;
        for i in 1..LAYERS - 1 {
            x[i + 1] = -libm::log(V / x[i] + libm::exp(-x[i]));
        }
        x[LAYERS] = 0.0;
        let f = x.map(|v| libm::exp(-v));
        let ratio = std::array::from_fn(|i| x[i + 1] / x[i]);
        Tables { x, f, ratio }
    })
}

/// A standard exponential variate (mean 1).
#[inline]
pub fn exp1<G: Rng + ?Sized>(rng: &mut G) -> f64 {
    let t = tables();
    match in_box(t, rng.next_u64()) {
        Ok(x) => x,
        Err((layer, u)) => outside_box(rng, t, layer, u),
    }
}

/// The draw `bits` as a point of its layer (the low 8 bits) at `u` (the
/// top 53 bits): the variate when it falls in the layer's inner box, else
/// `(layer, u)`.
fn in_box(t: &Tables, bits: u64) -> Result<f64, (usize, f64)> {
    let (layer, u) = ((bits & 0xff) as usize, super::unit53(bits));
    if u < t.ratio[layer] {
        Ok(u * t.x[layer])
    } else {
        Err((layer, u))
    }
}

/// The rest of [`exp1`] for the ~1% of draws outside their layer's inner
/// box: the tail, or the wedge test, drawing afresh when rejected (out of
/// line, so the common case stays small where it is inlined).
#[inline(never)]
fn outside_box<G: Rng + ?Sized>(rng: &mut G, t: &Tables, mut layer: usize, mut u: f64) -> f64 {
    loop {
        if layer == 0 {
            // The tail beyond r is again exponential, shifted by r.
            return R - libm::log(1.0 - super::unit53(rng.next_u64()));
        }
        let z = u * t.x[layer];
        let y = t.f[layer] + super::unit53(rng.next_u64()) * (t.f[layer + 1] - t.f[layer]);
        if y < libm::exp(-z) {
            return z;
        }
        match in_box(t, rng.next_u64()) {
            Ok(x) => return x,
            Err(point) => (layer, u) = point,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_close_the_ziggurat() {
        // The recursion must land on x[255] ≈ 0 (its top layer is thin)
        // and every layer has area v.
        let t = tables();
        assert!(t.x[LAYERS - 1] > 0.0 && t.x[LAYERS - 1] < 0.1, "{}", t.x[LAYERS - 1]);
        for i in 1..LAYERS - 1 {
            let area = t.x[i] * (t.f[i + 1] - t.f[i]);
            assert!((area - V).abs() < 1e-12, "layer {i}: {area}");
        }
    }
}
