//! The closed set of component kinds, and the [`Kind`] descriptor each
//! kind's parameters implement in the kind's own file: what the palette,
//! the canvas and the docs say of it ([`KindInfo`]), its range checks,
//! price, crashable parts, wiring and worst-case memory. Everything else
//! asks a node's kind through [`NodeKind`], so a new kind is its
//! parameters file and one line in the registry of `model/mod.rs` (which
//! `kinds!` here turns into `NodeKind`), its simulation file and one line
//! in the registry of `sim/mod.rs`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::Price;
use super::validate::Checker;
use super::wiring::Wiring;
use super::{FaultKind, NodeId, NodeKind};

/// Palette groups, in the order a request usually meets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComponentGroup {
    /// Clients and traffic sources.
    Traffic,
    /// Load balancers, gateways, CDN and DNS.
    Edge,
    /// Service pools.
    Compute,
    /// Caches, databases, partitioned stores.
    Data,
    /// Queues and logs.
    Messaging,
}

impl ComponentGroup {
    /// Heading shown in the palette.
    pub fn title(self) -> &'static str {
        match self {
            ComponentGroup::Traffic => "Traffic",
            ComponentGroup::Edge => "Edge",
            ComponentGroup::Compute => "Compute",
            ComponentGroup::Data => "Data",
            ComponentGroup::Messaging => "Messaging",
        }
    }
}

/// How a request goes on from a node to the nodes it calls (what a crash
/// downstream does to it: `spof`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Onward {
    /// It makes each of its calls (those of its class, with their
    /// probabilities): a call that fails fails it.
    Each,
    /// It goes to one of its targets: a balancer's backends, a DNS name's
    /// endpoints; it fails only when every target is down.
    OneOf,
    /// It is acknowledged before the calls are made (a queue's consumers
    /// make them later): a crash downstream never fails it.
    Decoupled,
}

/// What a kind's crashable parts are called in the inspector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crashable {
    /// One part that crashes by itself: `replica`, `instance`, `consumer`.
    pub part: &'static str,
    /// The button that crashes the whole node: `Crash pool`.
    pub whole: &'static str,
    /// What a crash does, in a user's words.
    pub help: &'static str,
    /// A part crashes apart from the whole even when it is the only one (a
    /// queue's consumer: the whole is its broker), so it gets its own
    /// button; otherwise one part is the whole.
    pub apart: bool,
}

/// What the palette, the canvas, the inspector and the docs say about a
/// kind; each kind's file has one ([`Kind::INFO`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// Serialized kind name (`client`, `load_balancer`, …); also the suffix
    /// of the palette's `data-testid="palette-<kind>"`.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// The title in the plural, lower case, for sentences ("service pools").
    pub plural: &'static str,
    /// One-line description for tooltips.
    pub summary: &'static str,
    /// Palette group.
    pub group: ComponentGroup,
    /// Prefix of a new node's id (`lb` makes `lb-1`).
    pub id_prefix: &'static str,
    /// The icon: SVG path data on a 24 × 24 grid, drawn stroked.
    pub icon: &'static str,
    /// What its worker slots are called in the live readout (`workers`,
    /// `cores`, `connections`, `consumers`); "" for kinds without slots.
    pub slots: &'static str,
    /// What waits in it, long and short (`queued`/`q`; a queue's
    /// `messages of lag`/`lag`).
    pub backlog: (&'static str, &'static str),
    /// How a request goes on to the nodes it calls.
    pub onward: Onward,
    /// A balancer may forward to it (a backend: pools, caches, CDN edges).
    pub backend: bool,
    /// Its crashable parts; None for kinds that do not crash.
    pub crash: Option<Crashable>,
}

/// An optional part of a kind's parameters (a pool's autoscaling, a
/// balancer's pair) or of a call (its retries) that the inspector switches
/// on and off: an `Option` field.
pub struct Optional<P> {
    /// Stable key, the suffix of the switch's
    /// `data-testid="param-enable-<key>"`.
    pub key: &'static str,
    /// What the switch says ("autoscaling").
    pub label: &'static str,
    /// Whether the part can be switched in `P` (a retry budget needs
    /// retries).
    pub shown: fn(&P) -> bool,
    /// Whether the part is on in `P`.
    pub is_on: fn(&P) -> bool,
    /// Turns it on (with its defaults) or off.
    pub set: fn(&mut P, bool),
}

impl<P> Optional<P> {
    /// The parts of `parts` that can be switched in `value`, as (key,
    /// label, on).
    pub fn shown_in(parts: &[Optional<P>], value: &P) -> Vec<(&'static str, &'static str, bool)> {
        parts.iter().filter(|o| (o.shown)(value)).map(|o| (o.key, o.label, (o.is_on)(value))).collect()
    }

    /// `value` with the part `key` of `parts` switched on or off
    /// (unchanged for an unknown key).
    pub fn switch(parts: &[Optional<P>], value: &mut P, key: &str, on: bool) {
        if let Some(o) = parts.iter().find(|o| o.key == key) {
            (o.set)(value, on);
        }
    }
}

/// An [`Optional`] part held in the `Option` field `$field`, switched on
/// with the value `$on`: `optional!("rate-limit", "rate limiter",
/// rate_limit, RateLimit::default())`.
macro_rules! optional {
    ($key:literal, $label:literal, $field:ident, $on:expr) => {
        $crate::model::Optional {
            key: $key,
            label: $label,
            shown: |_| true,
            is_on: |p| p.$field.is_some(),
            set: |p, on| p.$field = on.then(|| $on),
        }
    };
}

pub(super) use optional;

/// The descriptor of a component kind, implemented by the kind's
/// parameters type in its own file.
pub trait Kind: Clone + Default + PartialEq + Serialize + 'static {
    /// What the palette, canvas and docs say of the kind.
    const INFO: &'static KindInfo;

    /// Adds the problems of these parameters that no field's declared
    /// range catches (one field against another: a ramp's end before its
    /// start) to `c`, with JSON paths under `path` (e.g.
    /// `$.nodes[2].params`).
    fn check(&self, _c: &mut Checker, _path: &str) {}

    /// How many parts crash one by one (a fault's `replica` 0 to n − 1);
    /// None when [`KindInfo::crash`] is None.
    fn crash_parts(&self) -> Option<u32> {
        Self::INFO.crash.map(|_| 1)
    }

    /// Whether a fault of this kind applies to such a node. A crash applies
    /// to kinds that crash; other faults only where a kind says so.
    fn takes(&self, fault: FaultKind) -> bool {
        fault == FaultKind::Crash && Self::INFO.crash.is_some()
    }

    /// Whether a request can pass through it to its outgoing calls in no
    /// simulated time (every time parameter on its way 0 ms).
    fn can_take_no_time(&self) -> bool {
        false
    }

    /// Whether, as a caller, it may call a node of kind `callee` (a client
    /// is never called: [`super::wiring`] says so before asking).
    fn may_call(callee: &KindInfo) -> Wiring;

    /// Why a node of it with `outgoing` calls cannot run, if it cannot
    /// (a balancer needs a backend).
    fn calls_problem(&self, _id: &NodeId, _outgoing: usize) -> Option<String> {
        None
    }

    /// Its price (see [`super::cost`] for the source).
    fn price(&self) -> Price;

    /// Instances it runs as drawn (priced per hour).
    fn instances(&self) -> f64 {
        0.0
    }

    /// What it costs a month besides its instances and requests, US dollars
    /// (a queue's consumers).
    fn extra_monthly_usd(&self) -> f64 {
        0.0
    }

    /// Whether it runs as one instance with nothing to take over when that
    /// crashes.
    fn single_instance(&self) -> bool {
        false
    }

    /// The most memory its state could take in a run, bytes, when the
    /// clients send at most `sent` requests over the run.
    fn worst_case_bytes(&self, _sent: f64) -> u64 {
        0
    }

    /// What changed from `running` that a run cannot take from its current
    /// time on (e.g. "replicas"), if anything.
    fn restart_reason(&self, _running: &Self) -> Option<&'static str> {
        None
    }

    /// The parts the inspector switches on and off.
    const OPTIONAL: &'static [Optional<Self>] = &[];
    /// What those parts do, in a user's words.
    const OPTIONAL_HELP: &'static str = "";
}

/// [`Kind`] as a trait object: what [`NodeKind`] asks of the parameters it
/// holds, whatever their kind.
pub(super) trait AnyKind {
    fn info(&self) -> &'static KindInfo;
    fn check(&self, c: &mut Checker, path: &str);
    fn crash_parts(&self) -> Option<u32>;
    fn takes(&self, fault: FaultKind) -> bool;
    fn can_take_no_time(&self) -> bool;
    fn may_call(&self, callee: &KindInfo) -> Wiring;
    fn calls_problem(&self, id: &NodeId, outgoing: usize) -> Option<String>;
    fn price(&self) -> Price;
    fn instances(&self) -> f64;
    fn extra_monthly_usd(&self) -> f64;
    fn single_instance(&self) -> bool;
    fn worst_case_bytes(&self, sent: f64) -> u64;
    fn optional(&self) -> (Vec<(&'static str, &'static str, bool)>, &'static str);
    fn set_optional(&mut self, key: &str, on: bool);
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error>;
}

impl<K: Kind> AnyKind for K {
    fn info(&self) -> &'static KindInfo {
        K::INFO
    }
    fn check(&self, c: &mut Checker, path: &str) {
        Kind::check(self, c, path);
    }
    fn crash_parts(&self) -> Option<u32> {
        Kind::crash_parts(self)
    }
    fn takes(&self, fault: FaultKind) -> bool {
        Kind::takes(self, fault)
    }
    fn can_take_no_time(&self) -> bool {
        Kind::can_take_no_time(self)
    }
    fn may_call(&self, callee: &KindInfo) -> Wiring {
        K::may_call(callee)
    }
    fn calls_problem(&self, id: &NodeId, outgoing: usize) -> Option<String> {
        Kind::calls_problem(self, id, outgoing)
    }
    fn price(&self) -> Price {
        Kind::price(self)
    }
    fn instances(&self) -> f64 {
        Kind::instances(self)
    }
    fn extra_monthly_usd(&self) -> f64 {
        Kind::extra_monthly_usd(self)
    }
    fn single_instance(&self) -> bool {
        Kind::single_instance(self)
    }
    fn worst_case_bytes(&self, sent: f64) -> u64 {
        Kind::worst_case_bytes(self, sent)
    }
    fn optional(&self) -> (Vec<(&'static str, &'static str, bool)>, &'static str) {
        (Optional::shown_in(K::OPTIONAL, self), K::OPTIONAL_HELP)
    }
    fn set_optional(&mut self, key: &str, on: bool) {
        Optional::switch(K::OPTIONAL, self, key, on);
    }
    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }
}

/// Declares `NodeKind`, `KINDS` and the node's deserializer from one list
/// of kinds, in palette order (the registry, in `model/mod.rs`).
macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident($params:ty),)*) => {
        /// A component kind with its parameters. Serialized as
        /// `"kind": "<name>", "params": { … }` inside a node (the `serde`
        /// attribute describes that form to the JSON Schema; the
        /// (de)serializers are written below).
        #[derive(Clone, Debug, PartialEq, schemars::JsonSchema)]
        #[serde(tag = "kind", content = "params", rename_all = "snake_case")]
        pub enum NodeKind {
            $($(#[$doc])* $variant($params),)*
        }

        /// Every kind, in palette order.
        pub const KINDS: &[&$crate::model::KindInfo] = &[$(<$params as $crate::model::Kind>::INFO),*];

        impl NodeKind {
            /// The parameters, as a descriptor.
            fn params(&self) -> &dyn $crate::model::kind::AnyKind {
                match self {
                    $(NodeKind::$variant(p) => p,)*
                }
            }

            fn params_mut(&mut self) -> &mut dyn $crate::model::kind::AnyKind {
                match self {
                    $(NodeKind::$variant(p) => p,)*
                }
            }

            /// What changed from `running` (of the same kind) that needs a
            /// new run, if anything.
            pub fn restart_reason(&self, running: &NodeKind) -> Option<&'static str> {
                match (self, running) {
                    $((NodeKind::$variant(now), NodeKind::$variant(before)) => {
                        $crate::model::Kind::restart_reason(now, before)
                    })*
                    _ => None,
                }
            }

            /// A new component of the kind named `name` (see [`KINDS`])
            /// with its default parameters, or None for an unknown name.
            pub fn default_for(name: &str) -> Option<NodeKind> {
                $(if name == <$params as $crate::model::Kind>::INFO.name {
                    return Some(NodeKind::$variant(<$params>::default()));
                })*
                None
            }
        }

        impl NodeKind {
            /// The kind named `kind` with its parameters `params`, as a
            /// node holds them on the wire.
            ///
            /// Errors: an unknown kind name (listing the kinds), or
            /// parameters that do not read, with the path inside them
            /// (`params.workers: …`).
            pub(super) fn from_wire<E: serde::de::Error>(kind: &str, params: serde_json::Value) -> Result<NodeKind, E> {
                let parsed = $(if kind == <$params as $crate::model::Kind>::INFO.name {
                    $crate::model::from_value_at(params).map(NodeKind::$variant)
                } else)* {
                    const NAMES: &[&str] = &[$(<$params as $crate::model::Kind>::INFO.name),*];
                    return Err(E::unknown_variant(kind, NAMES));
                };
                // The path inside the parameters, which the caller's path
                // (the node) does not reach.
                parsed.map_err(|(path, message)| {
                    E::custom(format!("{}: {message}", $crate::model::join_path("params", &path)))
                })
            }
        }

        impl<'de> serde::Deserialize<'de> for NodeKind {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let (kind, params) = $crate::model::kind::wire_in(d)?;
                NodeKind::from_wire(&kind, params)
            }
        }
    };
}

pub(super) use kinds;

/// A kind on the wire, when written.
#[derive(Serialize)]
struct WireOut<'a> {
    kind: &'a str,
    params: serde_json::Value,
}

/// A kind on the wire, when read.
#[derive(Deserialize)]
struct WireIn {
    kind: String,
    params: serde_json::Value,
}

/// A node's kind name and its parameters, as JSON, read off the wire.
pub(super) fn wire_in<'de, D: serde::Deserializer<'de>>(d: D) -> Result<(String, serde_json::Value), D::Error> {
    let WireIn { kind, params } = WireIn::deserialize(d)?;
    Ok((kind, params))
}

/// Written through the parameters as a JSON value, and read the same way
/// (above), so that each kind's parameter (de)serializer exists once in the
/// Wasm build: serde's derived adjacently tagged form made one copy per
/// (de)serializer in use (about 50 KB).
impl Serialize for NodeKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let params = self.params().to_json().map_err(serde::ser::Error::custom)?;
        WireOut { kind: self.info().name, params }.serialize(s)
    }
}

impl NodeKind {
    /// What the palette, canvas and docs say of this kind.
    pub fn info(&self) -> &'static KindInfo {
        self.params().info()
    }

    /// The problems of the parameters, with paths under `path`: every
    /// value out of the range its field declares ([`super::params`]), then
    /// what the kind checks across fields.
    pub(super) fn check(&self, c: &mut Checker, path: &str) {
        if let Ok(json) = self.params().to_json() {
            super::params::check_ranges(c, path, super::params::kind_params(self.info().name), &json);
        }
        self.params().check(c, path);
    }

    /// How many parts of a node of this kind crash one by one (a fault's
    /// `replica` 0 to n − 1): pool replicas, database instances, partition
    /// leaders, queue consumers; a cache or CDN edge is one part. None for
    /// kinds that do not crash (clients, DNS).
    pub fn crash_parts(&self) -> Option<u32> {
        self.params().crash_parts()
    }

    /// Whether `fault` applies to a node of this kind (with these
    /// parameters: a spike needs an open-loop client).
    pub fn takes(&self, fault: FaultKind) -> bool {
        self.params().takes(fault)
    }

    /// Whether a request can pass through a node of this kind, to its
    /// outgoing calls, in no simulated time (every time parameter on its
    /// way 0 ms; a DNS name answers from its cache in no time).
    pub fn can_take_no_time(&self) -> bool {
        self.params().can_take_no_time()
    }

    /// How a node of this kind may call one of `callee`'s kind.
    pub(super) fn may_call(&self, callee: &KindInfo) -> Wiring {
        self.params().may_call(callee)
    }

    /// Why a node `id` of this kind with `outgoing` calls cannot run.
    pub(super) fn calls_problem(&self, id: &NodeId, outgoing: usize) -> Option<String> {
        self.params().calls_problem(id, outgoing)
    }

    /// The price of this kind (see [`super::cost`]).
    pub fn price(&self) -> Price {
        self.params().price()
    }

    /// Instances a node runs as drawn: replicas of a pool, instances of a
    /// database (primary + replicas), copies of every partition, brokers of
    /// a queue, instances of a load balancer (2 for a pair), 1 cache node.
    pub fn instances(&self) -> f64 {
        self.params().instances()
    }

    /// Monthly cost besides instances and requests, US dollars (a queue's
    /// consumers run on instances of their own).
    pub fn extra_monthly_usd(&self) -> f64 {
        self.params().extra_monthly_usd()
    }

    /// Whether a node of this kind runs as one instance with nothing to
    /// take over when it crashes.
    pub fn single_instance(&self) -> bool {
        self.params().single_instance()
    }

    /// The most memory such a node's state could take, bytes, when the
    /// clients send at most `sent` requests over the run.
    pub fn worst_case_bytes(&self, sent: f64) -> u64 {
        self.params().worst_case_bytes(sent)
    }

    /// The parts the inspector switches on and off, as (key, label, on),
    /// and what they do.
    pub fn optional_parts(&self) -> (Vec<(&'static str, &'static str, bool)>, &'static str) {
        self.params().optional()
    }

    /// These parameters with the optional part `key` switched on (with its
    /// defaults) or off; unchanged for an unknown key.
    pub fn with_part(&self, key: &str, on: bool) -> NodeKind {
        let mut next = self.clone();
        next.params_mut().set_optional(key, on);
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KINDS;

    #[test]
    fn every_palette_kind_makes_a_node_of_that_kind() {
        for info in KINDS {
            let kind = NodeKind::default_for(info.name).unwrap_or_else(|| panic!("{}", info.name));
            assert_eq!(kind.info(), *info);
            // The serialized tag is the palette name, and it reads back.
            let json = serde_json::to_value(&kind).unwrap();
            assert_eq!(json["kind"], info.name);
            assert_eq!(serde_json::from_value::<NodeKind>(json).unwrap(), kind);
        }
    }

    #[test]
    fn a_kind_crashes_in_parts_exactly_when_it_says_it_crashes() {
        for info in KINDS {
            let kind = NodeKind::default_for(info.name).unwrap();
            assert_eq!(kind.crash_parts().is_some(), info.crash.is_some(), "{}", info.name);
            assert_eq!(kind.takes(FaultKind::Crash), info.crash.is_some(), "{}", info.name);
        }
    }

    #[test]
    fn a_calls_retry_budget_can_be_switched_only_with_retries() {
        use crate::model::Edge;
        let mut edge = Edge::new("a", "b");
        let keys = |e: &Edge| Optional::shown_in(Edge::OPTIONAL, e).into_iter().map(|p| p.0).collect::<Vec<_>>();
        assert!(!keys(&edge).contains(&"retry-budget"));
        Optional::switch(Edge::OPTIONAL, &mut edge, "retry", true);
        assert!(keys(&edge).contains(&"retry-budget"));
        Optional::switch(Edge::OPTIONAL, &mut edge, "retry-budget", true);
        assert!(edge.retry.as_ref().is_some_and(|r| r.budget.is_some()));
        Optional::switch(Edge::OPTIONAL, &mut edge, "retry", false);
        assert_eq!(edge, Edge::new("a", "b"));
    }

    #[test]
    fn optional_parts_switch_on_and_off() {
        for info in KINDS {
            let kind = NodeKind::default_for(info.name).unwrap();
            let (parts, _) = kind.optional_parts();
            for (key, _, on) in parts {
                let flipped = kind.with_part(key, !on);
                let now = flipped.optional_parts().0.into_iter().find(|p| p.0 == key).unwrap().2;
                assert_eq!(now, !on, "{}.{key}", info.name);
                assert_eq!(flipped.with_part(key, on), kind, "{}.{key}", info.name);
            }
        }
    }
}
