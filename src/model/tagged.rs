//! Reading an internally tagged enum through one record of every variant's
//! fields. serde's derive reads each variant with code of its own (through
//! its buffered `Content`), several KB of the page's Wasm per enum; one flat
//! record of optional fields, checked here against what the tag's variant
//! takes, reads the same documents with serde's own errors (a field of
//! another variant is an unknown field). The derive still writes them, and
//! the JSON Schema still comes from the enum.

use serde::de::Error;

/// Implements `Deserialize` for an internally tagged enum through one flat
/// record:
///
/// ```text
/// read_tagged!(Jitter by "dist" { max_ms: f64, mean_ms: f64 }
///     None {}, Uniform { max_ms }, Exponential { mean_ms });
/// ```
///
/// names the enum, its tag, every field of every variant with its type,
/// then each variant (snake_case in the format, as `rename_all` writes it)
/// with the fields it takes; `field: default` takes the field's default
/// when absent (serde's `#[serde(default)]`).
macro_rules! read_tagged {
    ($enum:ident by $tag:literal { $($field:ident: $ty:ty),* $(,)? }
     $($variant:ident { $($taken:ident $(: $default:ident)?),* }),+ $(,)?) => {
        const _: () = {
            /// The tag's values.
            #[derive(Clone, Copy, serde::Deserialize)]
            #[serde(rename_all = "snake_case")]
            enum Tag {
                $($variant),+
            }

            /// Every variant's fields, as options.
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Record {
                #[serde(rename = $tag)]
                tag: Tag,
                $($field: Option<$ty>),*
            }

            impl<'de> serde::Deserialize<'de> for $enum {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let r = Record::deserialize(d)?;
                    let present = [$((stringify!($field), r.$field.is_some())),*];
                    match r.tag {
                        $(Tag::$variant => {
                            $crate::model::tagged::only(&present, &[$(stringify!($taken)),*])?;
                            Ok($enum::$variant {
                                $($taken: read_tagged!(@take r.$taken, $taken $(: $default)?)),*
                            })
                        })+
                    }
                }
            }
        };
    };
    (@take $value:expr, $name:ident) => {
        $crate::model::tagged::needed($value, stringify!($name))?
    };
    (@take $value:expr, $name:ident: default) => {
        $value.unwrap_or_default()
    };
}
pub(super) use read_tagged;

/// Checks that each field `present` (name, whether given) is one the
/// variant `wants`.
///
/// Errors: serde's unknown-field error for the first that is not, listing
/// what the variant takes.
pub(super) fn only<E: Error>(present: &[(&'static str, bool)], wants: &'static [&'static str]) -> Result<(), E> {
    match present.iter().find(|(name, given)| *given && !wants.contains(name)) {
        Some((other, _)) => Err(E::unknown_field(other, wants)),
        None => Ok(()),
    }
}

/// The value of field `name`, which the variant needs.
///
/// Errors: serde's missing-field error where it is absent.
pub(super) fn needed<T, E: Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use crate::model::{
        Arrivals, HashOn, Jitter, KeyDistribution, LbAlgorithm, LbMode, NodeId, RatePoint, RateProfile, Replication,
        RequestClass, Route, ServiceTime,
    };

    /// Each value reads back as serde's derive writes it.
    fn reads_back<T: Serialize + DeserializeOwned + PartialEq + Debug>(values: &[T]) {
        for value in values {
            let json = serde_json::to_value(value).unwrap();
            assert_eq!(&serde_json::from_value::<T>(json).unwrap(), value);
        }
    }

    /// `text` is refused as a `T` with an error beginning `error`.
    fn refused<T: DeserializeOwned + Debug>(text: &str, error: &str) {
        let got = serde_json::from_str::<T>(text).unwrap_err().to_string();
        assert!(got.starts_with(error), "{text}: {got}");
    }

    #[test]
    fn every_variant_reads_back_as_written() {
        reads_back(&[
            RateProfile::Constant { rps: 100.0 },
            RateProfile::Step { before_rps: 1.0, after_rps: 2.0, at_s: 3.0 },
            RateProfile::Ramp { from_rps: 1.0, to_rps: 2.0, start_s: 3.0, end_s: 4.0 },
            RateProfile::Spike { base_rps: 1.0, peak_rps: 2.0, at_s: 3.0, duration_s: 4.0 },
            RateProfile::Sinusoidal { mean_rps: 1.0, amplitude_rps: 0.5, period_s: 60.0 },
            RateProfile::Piecewise { points: vec![RatePoint { t_s: 0.0, rps: 1.0 }, RatePoint { t_s: 5.0, rps: 2.0 }] },
        ]);
        reads_back(&[
            ServiceTime::Constant { ms: 1.0 },
            ServiceTime::Exponential { mean_ms: 2.0 },
            ServiceTime::Lognormal { mean_ms: 2.0, p99_ms: 9.0 },
            ServiceTime::Empirical { samples_ms: vec![1.0, 3.0] },
        ]);
        reads_back(&[
            Arrivals::Open { rate: RateProfile::Constant { rps: 5.0 } },
            Arrivals::Closed { users: 7, think_time_ms: 100.0 },
        ]);
        reads_back(&[KeyDistribution::Uniform { keys: 10 }, KeyDistribution::Zipf { keys: 10, s: 0.9 }]);
        reads_back(&[Jitter::None, Jitter::Uniform { max_ms: 1.0 }, Jitter::Exponential { mean_ms: 2.0 }]);
        reads_back(&[
            LbAlgorithm::RoundRobin,
            LbAlgorithm::WeightedRoundRobin,
            LbAlgorithm::Random,
            LbAlgorithm::LeastOutstanding,
            LbAlgorithm::PowerOfTwoChoices,
            LbAlgorithm::ConsistentHash { on: HashOn::Key },
        ]);
        let route = Route { class: RequestClass::Write, targets: vec![NodeId::from("db")] };
        reads_back(&[LbMode::L4, LbMode::L7 { routes: vec![] }, LbMode::L7 { routes: vec![route] }]);
        reads_back(&[
            Replication::Async,
            Replication::SemiSync { acks: 2 },
            Replication::Sync,
            Replication::MultiPrimary,
        ]);
    }

    /// A field of another variant is unknown, a variant's own field missing
    /// is missing, and the tag and the types are checked as serde's derive
    /// does.
    #[test]
    fn fields_of_other_variants_are_refused_by_name() {
        refused::<RateProfile>(r#"{"shape": "constant", "rps": 1, "at_s": 2}"#, "unknown field `at_s`, expected `rps`");
        refused::<RateProfile>(r#"{"shape": "ramp", "points": []}"#, "unknown field `points`, expected one of");
        refused::<RateProfile>(r#"{"shape": "step", "before_rps": 1, "at_s": 2}"#, "missing field `after_rps`");
        refused::<RateProfile>(r#"{"shape": "wave", "rps": 1}"#, "unknown variant `wave`");
        refused::<RateProfile>(r#"{"rps": 1}"#, "missing field `shape`");
        refused::<RateProfile>(r#"{"shape": "constant", "rps": 1, "burst": 2}"#, "unknown field `burst`");
        refused::<ServiceTime>(r#"{"dist": "constant", "mean_ms": 1}"#, "unknown field `mean_ms`, expected `ms`");
        refused::<ServiceTime>(r#"{"dist": "lognormal", "mean_ms": 1}"#, "missing field `p99_ms`");
        refused::<Arrivals>(r#"{"model": "open", "users": 3}"#, "unknown field `users`, expected `rate`");
        refused::<Arrivals>(r#"{"model": "closed", "users": 1.5, "think_time_ms": 1}"#, "invalid type: floating point");
        refused::<KeyDistribution>(r#"{"law": "uniform", "keys": 10, "s": 1}"#, "unknown field `s`, expected `keys`");
        refused::<KeyDistribution>(r#"{"law": "zipf", "s": 1}"#, "missing field `keys`");
        refused::<Jitter>(r#"{"dist": "none", "max_ms": 1}"#, "unknown field `max_ms`, there are no fields");
        refused::<LbAlgorithm>(r#"{"name": "random", "on": "key"}"#, "unknown field `on`, there are no fields");
        refused::<LbAlgorithm>(r#"{"name": "consistent_hash"}"#, "missing field `on`");
        refused::<LbMode>(r#"{"layer": "l4", "routes": []}"#, "unknown field `routes`, there are no fields");
        // L7's routes default to none, as `#[serde(default)]` had them.
        assert_eq!(serde_json::from_str::<LbMode>(r#"{"layer": "l7"}"#).unwrap(), LbMode::L7 { routes: vec![] });
        refused::<Replication>(r#"{"mode": "semi_sync"}"#, "missing field `acks`");
        refused::<Replication>(r#"{"mode": "sync", "acks": 1}"#, "unknown field `acks`, there are no fields");
    }
}
