//! Closed forms of queueing theory, used by the validation tests, `archsim
//! sweep` and the inspector; [`Station`] says whether a node of a design is an
//! M/M/c, M/M/c/K or M/G/1 queue, [`closed_form`] what theory says of any
//! node (a pool's queue, a cache's hit ratio, a consumer group's lag). Rates
//! are per unit time (any unit, used consistently); times come out in the
//! reciprocal unit.
//!
//! Sources: L. Kleinrock, *Queueing Systems, Vol. 1: Theory* (1975) for
//! M/M/c, M/M/c/K and M/G/1; J. R. Jackson, "Jobshop-like queueing systems",
//! *Management Science* 10(1), 1963 for open networks; M. Reiser and
//! S. S. Lavenberg, "Mean-value analysis of closed multichain queuing
//! networks", *JACM* 27(2), 1980 for MVA; N. J. Gunther, *Guerrilla Capacity
//! Planning* (2007) for the Universal Scalability Law; H. Che, Y. Tung and
//! Z. Wang, *IEEE JSAC* 20(7), 2002 for LRU cache hit ratios.

mod cache;
mod closed;
mod network;
mod single;
mod station;

pub use cache::{che_characteristic_time, che_lru_hit_ratio, zipf_popularity};
pub use closed::{closed_form, Closed, Figure};
pub use network::{jackson_open, mva_closed, JacksonStation, MvaResult, MvaStation};
pub use single::{
    amdahl_speedup, erlang_b, erlang_c, mg1_mean_wait, mm1_response_quantile, mmc_mean_wait, mmc_response_quantile,
    mmck_blocking, usl_capacity, Mmck,
};
pub use station::{Service, Station};
