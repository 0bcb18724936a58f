//! Queueing networks: open Jackson networks and closed networks by exact
//! Mean Value Analysis.

/// A station of an open Jackson network: single-server FCFS, exponential.
#[derive(Clone, Debug)]
pub struct JacksonStation {
    /// Arrival rate from outside, γ_i.
    pub external_rate: f64,
    /// Service rate μ_i.
    pub service_rate: f64,
    /// Routing probabilities to every station after service (row of P);
    /// the rest leaves the network.
    pub routing: Vec<f64>,
}

/// Mean number in system L_i = ρ_i/(1 − ρ_i) at each station of an open
/// Jackson network, where the total rates solve λ = γ + Pᵀλ (Jackson 1963).
/// None when the traffic equations are singular or a station is saturated.
pub fn jackson_open(stations: &[JacksonStation]) -> Option<Vec<f64>> {
    let n = stations.len();
    // (I − Pᵀ) λ = γ, solved by Gaussian elimination with partial pivoting.
    let mut a: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut row: Vec<f64> = (0..n).map(|j| -stations[j].routing.get(i).copied().unwrap_or(0.0)).collect();
            row[i] += 1.0;
            row.push(stations[i].external_rate);
            row
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                row.iter_mut().zip(&pivot_row).skip(col).for_each(|(x, p)| *x -= f * p);
            }
        }
    }
    (0..n)
        .map(|i| {
            let lambda = a[i][n] / a[i][i];
            let rho = lambda / stations[i].service_rate;
            (rho < 1.0).then(|| rho / (1.0 - rho))
        })
        .collect()
}

/// A station of a closed network for MVA.
#[derive(Clone, Copy, Debug)]
pub enum MvaStation {
    /// Single-server FCFS (or PS) queue with service demand D per visit
    /// cycle.
    Queue(f64),
    /// Delay (infinite-server) station with demand D: no queueing.
    Delay(f64),
}

/// Exact MVA results for population N.
#[derive(Clone, Debug)]
pub struct MvaResult {
    /// System throughput X(N).
    pub throughput: f64,
    /// Response time R(N) over all stations (excluding think time).
    pub response: f64,
    /// Mean queue length at each station.
    pub queue: Vec<f64>,
}

/// Exact Mean Value Analysis (Reiser & Lavenberg 1980) of a closed network
/// with `users` customers and think time `think` (a delay outside R):
/// R_k(n) = D_k(1 + Q_k(n−1)) at queues, D_k at delays;
/// X(n) = n / (Z + Σ R_k(n)); Q_k(n) = X(n) R_k(n).
pub fn mva_closed(stations: &[MvaStation], users: u32, think: f64) -> MvaResult {
    let mut queue = vec![0.0; stations.len()];
    let mut result = MvaResult { throughput: 0.0, response: 0.0, queue: queue.clone() };
    for n in 1..=users {
        let residence: Vec<f64> = stations
            .iter()
            .zip(&queue)
            .map(|(s, q)| match s {
                MvaStation::Queue(d) => d * (1.0 + q),
                MvaStation::Delay(d) => *d,
            })
            .collect();
        let response: f64 = residence.iter().sum();
        let throughput = f64::from(n) / (think + response);
        queue = residence.iter().map(|r| throughput * r).collect();
        result = MvaResult { throughput, response, queue: queue.clone() };
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tandem_jackson_is_independent_mm1s() {
        let l = jackson_open(&[
            JacksonStation { external_rate: 0.5, service_rate: 1.0, routing: vec![0.0, 1.0] },
            JacksonStation { external_rate: 0.0, service_rate: 2.0, routing: vec![0.0, 0.0] },
        ])
        .unwrap();
        assert!((l[0] - 1.0).abs() < 1e-12); // ρ = 0.5
        assert!((l[1] - 1.0 / 3.0).abs() < 1e-12); // ρ = 0.25
    }

    #[test]
    fn feedback_raises_the_rate() {
        // One station, feedback 0.5: λ = γ / (1 − 0.5) = 0.8, ρ = 0.8, L = 4.
        let l = jackson_open(&[JacksonStation { external_rate: 0.4, service_rate: 1.0, routing: vec![0.5] }]).unwrap();
        assert!((l[0] - 4.0).abs() < 1e-12);
    }

    #[test]
    fn mva_single_queue_is_machine_repairman() {
        // N = 2, D = 1, Z = 1. By hand: n=1: R=1, X=1/2, Q=1/2;
        // n=2: R=1.5, X=2/2.5=0.8, Q=1.2.
        let r = mva_closed(&[MvaStation::Queue(1.0)], 2, 1.0);
        assert!((r.throughput - 0.8).abs() < 1e-12);
        assert!((r.response - 1.5).abs() < 1e-12);
        assert!((r.queue[0] - 1.2).abs() < 1e-12);
    }
}
