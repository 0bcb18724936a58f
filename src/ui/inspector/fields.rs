//! The generic parameter form: one input (or choice) per leaf of a JSON
//! value, with units, help texts and the reason of a rejected edit.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::model::variants;

use super::super::store::Msg;

/// Rejected field texts and reasons, by field path.
pub type Rejected = BTreeMap<String, (String, String)>;

/// A change to one form field.
pub enum Edit<'a> {
    /// The leaf at a dotted path gets this text.
    Set(&'a str, &'a str),
    /// The variant object at a dotted path becomes this choice (see
    /// [`variants::variants`]).
    Switch(&'a str, &'a Value),
}

/// Turns a field edit into a store message, or says why it is invalid.
pub type Commit = Rc<dyn Fn(Edit) -> Result<Msg, String>>;

/// A deserialization error in words a user can act on.
fn friendly(e: serde_json::Error) -> String {
    let text = e.to_string();
    if text.contains("floating point") && (text.contains("expected u32") || text.contains("expected u64")) {
        "must be a whole number".to_owned()
    } else if text.contains("unknown variant") {
        format!("not one of the choices ({})", text.split("expected").nth(1).unwrap_or("").trim())
    } else {
        text
    }
}

/// One input per leaf of `json`, committed through `commit` on change.
pub fn fields_form(json: &Value, rejected: &UseStateHandle<Rejected>, commit: Commit, on_msg: &Callback<Msg>) -> Html {
    let mut fields = Vec::new();
    flatten("", json, &mut fields);
    let rows = fields.into_iter().map(|(path, value)| {
        let name = path.rsplit('.').next().unwrap_or(&path).to_owned();
        let parent = path.rsplit_once('.').map_or("", |(p, _)| p).to_owned();
        let parent_field = parent.rsplit('.').next().unwrap_or(&parent);
        if let Some((tag, choices)) = variants::variants(parent_field).filter(|(tag, _)| *tag == name) {
            let current = value.as_str().unwrap_or_default().to_owned();
            let on_change = {
                let (on_msg, commit, rejected) = (on_msg.clone(), commit.clone(), rejected.clone());
                let (choices, parent) = (choices.clone(), parent.clone());
                Callback::from(move |e: Event| {
                    let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                    let Some(choice) = choices.iter().find(|c| c[tag] == select.value()) else { return };
                    match commit(Edit::Switch(&parent, choice)) {
                        Ok(msg) => on_msg.emit(msg),
                        Err(reason) => {
                            let mut next = (*rejected).clone();
                            next.insert(parent.clone(), (String::new(), reason));
                            rejected.set(next);
                        }
                    }
                })
            };
            return html! {
                <label class="field" key={path.clone()}>
                    <span class="field-name">{ humanize(&path) }</span>
                    <select data-testid={format!("param-{path}")} onchange={on_change}>
                        { for choices.iter().map(|c| {
                            let v = c[tag].as_str().unwrap_or_default().to_owned();
                            html! { <option value={v.clone()} selected={v == current}>{ v.replace('_', " ") }</option> }
                        }) }
                    </select>
                </label>
            };
        }
        if let (Some(choices), Value::String(current)) = (variants::choices(&name), &value) {
            let on_change = {
                let (on_msg, commit, rejected, path) = (on_msg.clone(), commit.clone(), rejected.clone(), path.clone());
                Callback::from(move |e: Event| {
                    let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                    submit(&on_msg, &commit, &rejected, &path, select.value());
                })
            };
            return html! {
                <label class="field" key={path.clone()} title={help(&name)}>
                    <span class="field-name">{ humanize(&path) }</span>
                    <select data-testid={format!("param-{path}")} onchange={on_change}>
                        { for choices.iter().map(|v| html! {
                            <option value={v.clone()} selected={v == current}>{ v.replace('_', " ") }</option>
                        }) }
                    </select>
                    <span class="field-help">{ help(&name) }</span>
                </label>
            };
        }
        let on_change = {
            let (on_msg, commit, rejected, path) = (on_msg.clone(), commit.clone(), rejected.clone(), path.clone());
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                submit(&on_msg, &commit, &rejected, &path, input.value());
            })
        };
        let error = rejected.get(&path);
        let shown = error.map_or_else(|| display(&value), |(text, _)| text.clone());
        html! {
            <label class={classes!("field", error.map(|_| "invalid"))} key={path.clone()} title={help(&name)}>
                <span class="field-name">{ humanize(&path) }</span>
                <span class="field-input">
                    <input data-testid={format!("param-{path}")} type={if value.is_number() { "number" } else { "text" }}
                           step="any" value={shown} onchange={on_change}
                           aria-invalid={error.is_some().to_string()} />
                    <span class="unit">{ unit(&name) }</span>
                </span>
                if let Some((_, reason)) = error {
                    <span class="field-error" role="alert">{ reason.clone() }</span>
                } else {
                    <span class="field-help">{ help(&name) }</span>
                }
            </label>
        }
    });
    html! { <>{ for rows }</> }
}

/// Commits `text` for the field at `path`, or records why it is refused.
fn submit(on_msg: &Callback<Msg>, commit: &Commit, rejected: &UseStateHandle<Rejected>, path: &str, text: String) {
    let mut next = (**rejected).clone();
    match commit(Edit::Set(path, &text)) {
        Ok(msg) => {
            next.remove(path);
            on_msg.emit(msg);
        }
        Err(reason) => {
            next.insert(path.to_owned(), (text, reason));
        }
    }
    rejected.set(next);
}

/// The value at dotted `path` under `root`.
fn field_mut<'v>(root: &'v mut Value, path: &str) -> Result<&'v mut Value, String> {
    path.split('.')
        .try_fold(root, |v, key| match v {
            Value::Object(map) => map.get_mut(key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        })
        .ok_or_else(|| "no such parameter".to_owned())
}

/// Applies a field edit to the JSON of the edited item.
fn apply_edit(root: &mut Value, edit: Edit) -> Result<(), String> {
    match edit {
        Edit::Set(path, text) => set_field(field_mut(root, path)?, text),
        Edit::Switch(path, choice) => {
            let slot = field_mut(root, path)?;
            *slot = variants::switch_to(slot, choice);
            Ok(())
        }
    }
}

/// Sets a leaf to `text`, keeping its JSON type.
fn set_field(slot: &mut Value, text: &str) -> Result<(), String> {
    *slot = match slot {
        Value::Number(_) => {
            let v: f64 = text.trim().parse().map_err(|_| "must be a number".to_owned())?;
            serde_json::Number::from_f64(v).map(Value::Number).ok_or("must be a finite number")?
        }
        Value::Bool(_) => Value::Bool(text == "true"),
        _ => Value::String(text.to_owned()),
    };
    Ok(())
}

/// Numbers like `4.0` become `4`, so integer fields deserialize.
fn integerise(v: Value) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && (0.0..9.0e15).contains(&f) => Value::from(f as u64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(integerise).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, integerise(v))).collect()),
        other => other,
    }
}

/// Leaf fields of a params object as (dotted path, value), in order.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&path, child, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{i}"), child, out);
            }
        }
        leaf => out.push((prefix.to_owned(), leaf.clone())),
    }
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `service_time.mean_ms` → `Service time · mean`.
fn humanize(path: &str) -> String {
    path.split('.')
        .map(|part| {
            let part = ["_ms", "_per_s", "_s", "_rps", "_mb"]
                .iter()
                .fold(part, |p, suffix| p.strip_suffix(suffix).unwrap_or(p));
            if ["slo", "mtbf", "mttr", "ttl"].contains(&part) {
                return part.to_uppercase();
            }
            if part == "limits" {
                return "Run guards".to_owned();
            }
            let words = part.replace('_', " ");
            let mut chars = words.chars();
            chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The unit of a field, from its name's suffix.
fn unit(name: &str) -> &'static str {
    if name.ends_with("_ms") {
        "ms"
    } else if name.ends_with("_rps") {
        "req/s"
    } else if name.ends_with("_per_s") {
        "/s"
    } else if name.ends_with("_mb") {
        "MB"
    } else if name.ends_with("_s") {
        "s"
    } else {
        ""
    }
}

/// A one-line explanation of a parameter.
fn help(name: &str) -> &'static str {
    match name {
        "replicas" => "Identical instances (for a database: read replicas besides the primary)",
        "workers" => "Threads per replica: requests served at once",
        "queue_capacity" => "Requests waiting per replica before new ones are rejected",
        "mean_ms" => "Average time of one request's own work",
        "p99_ms" => "99th percentile of that time (heavier tail, larger value)",
        "ms" => "Fixed time of one request's own work",
        "rps" | "before_rps" | "after_rps" | "from_rps" | "to_rps" | "base_rps" | "peak_rps" | "mean_rps" => {
            "Arrival rate λ of new requests"
        }
        "timeout_ms" => "A client gives up on a request, or a caller on one try of a call, after this long",
        "sessions" => "Distinct user sessions (sticky routing hashes these)",
        "keys" => "Distinct keys requests touch",
        "s" => "Zipf exponent: 0 uniform, about 1 for web popularity",
        "read" | "write" | "other" => "Share of requests of this class",
        "users" => "Closed-loop users N, each waiting for its reply",
        "think_time_ms" => "Mean pause of a user between requests (Z)",
        "max_connections" => "Requests in progress before the balancer rejects",
        "processing_time_ms" => "Balancer time per request",
        "cores" => "Requests the balancer processes at once",
        "alpha" => "USL contention α: serialised share of the work",
        "base_ms" => "Latency: the fixed one-way part; retry: the constant wait, or the first exponential one",
        "max_ms" => "Upper bound of the uniform jitter",
        "probability" => "Share of requests that make this call",
        "mode" => "sync (wait, holding the worker) or async (fire and forget)",
        "weight" => "Weighted round robin weight at a balancer",
        "beta" => "USL coherence β: crosstalk between concurrent requests",
        "mtbf_s" => "Mean time between failures of each replica (exponential); 0: never fails at random",
        "mttr_s" => "Mean time to repair a randomly failed replica (exponential)",
        "interval_ms" => "Health checks: time between probes of each backend",
        "unhealthy_threshold" => "Health checks: failed probes in a row that take a backend out of rotation",
        "healthy_threshold" => "Health checks: good probes in a row that bring it back",
        "duration_s" => "Simulated time of a run",
        "warmup_s" => "Run: initial period left out of latency, throughput and availability; autoscaling: time a new replica's metric is not counted",
        "cross_zone_ms" => "Extra one-way latency of a call between zones of a region",
        "cross_region_ms" => "Extra one-way latency of a call between regions",
        "availability" => "SLO: target share of requests answered successfully, 0–1",
        "latency_p99_ms" => "SLO: target p99 response time",
        "max_events_per_s" => "Run guard: a run with more events within one simulated second stops, with the reason",
        "max_memory_mb" => "Run guard: a run whose state (requests, events, cached keys, queued messages) takes more stops, with the reason",
        "capacity_items" => "Items the cache holds before it evicts",
        "eviction" => "Which item a full cache evicts: least recently (LRU) or least frequently (LFU) used",
        "ttl_s" => "Time to live: of a cached item or object from its fill, of a DNS answer in the resolvers (0: none); of a retry budget's counts",
        "policy" => "DNS routing: weighted by the calls' weights, lowest latency, or the client's region first",
        "resolve_ms" => "Time of a DNS resolution, paid when the answer is not cached",
        "write_policy" => "A write deletes the cached copy (invalidate) or stores the new value (write through)",
        "op_ms" => "Time of one cache lookup, network excluded",
        "edge_ms" => "Time the CDN edge takes to serve or forward a request",
        "on" => "What the hash ring hashes: the session (sticky sessions) or the request key",
        "connections" => "Queries an instance runs at once (its connection pool)",
        "partitions" => "Partitions (of a topic: at most one consumer of the group reads each; of a store: shards)",
        "partitioning" => "By key hash (even on average) or by key range (neighbours together, hot ranges hot)",
        "key_space" => "Keys 1 to this that range partitioning splits into equal ranges",
        "replication_factor" => "Copies of each partition: a leader and followers that can take over",
        "consumers" => "Consumers in the group; more than the partitions stay idle",
        "partitioner" => "By key hash (per-key order) or in turn",
        "append_ms" => "Time for the partition leader to append a message",
        "replication_ms" => "Time for the in-sync followers to replicate it; consumers see it after",
        "delivery" => "Commit or acknowledge before processing (at most once) or after (at least once)",
        "style" => "A partitioned log read by a consumer group (Kafka) or one queue of competing consumers (RabbitMQ)",
        "max_deliveries" => "Work queue: deliveries of a failing message before it is dead-lettered",
        "rebalance_s" => "Time to reassign a crashed consumer's partitions",
        "election_s" => "Time to elect new partition leaders after a broker failure",
        "read_from" => "Reads on the primary, or spread over the replicas (which may lag)",
        "acks" => "Replicas whose receipt a commit waits for (database semi-sync); for a queue: none, leader or all",
        "ship_ms" => "One-way latency of the replication link to each replica",
        "apply_ms" => "Mean time a replica takes to apply one write (one at a time)",
        "detection_s" => "Heartbeat timeout: time before a crash is noticed (a database primary, a balancer instance)",
        "promotion_s" => "Time from the detection to a replica promoted as the primary",
        "max_retries" => "Tries after the first one, for a failed or timed-out call",
        "backoff" => "Wait before a retry: none, constant (base) or exponential (base · 2ⁿ⁻¹, capped)",
        "cap_ms" => "Longest wait before a retry",
        "jitter" => "Randomises the wait (Brooker): full = uniform up to it, equal = half plus up to half",
        "ratio" => "Retry budget: retries allowed per call (0.2 = 20% extra load at most)",
        "min_per_s" => "Retry budget: retries always allowed per second",
        "failure_rate" => "Share of failed calls in the window that opens the breaker",
        "window_s" => "Sliding window the breaker judges calls over",
        "min_calls" => "Calls needed in the window before the breaker may open",
        "open_s" => "Time the breaker stays open (failing calls at once) before probing",
        "half_open_calls" => "Probe calls let through when half-open; they decide close or reopen",
        "max_concurrent" => "Bulkhead: calls in flight at most; one more fails at once",
        "rate_rps" => "Token bucket: sustained requests per second admitted",
        "burst" => "Token bucket: requests admitted at once after a quiet spell",
        "max_wait_ms" => "Requests that waited longer in the queue are shed, not served",
        "min_replicas" => "Autoscaling: fewest replicas in service",
        "sharing" => "Balancer pair: one active and one standby, or both active",
        "takeover_s" => "Balancer pair: time for the standby to take the virtual IP over",
        "consecutive_errors" => "Outlier detection: failed replies in a row that eject a backend",
        "base_ejection_s" => "Outlier detection: first ejection time; each later one is longer by as much",
        "max_ejection_percent" => "Outlier detection: most backends out at once (at least one)",
        "max_replicas" => "Autoscaling: most replicas",
        "metric" => "Autoscaling: utilization of the workers, or requests queued per replica",
        "target" => "Autoscaling: the metric's target (a utilization 0–1, or a queue length)",
        "interval_s" => "Autoscaling: time between evaluations of the policy",
        "cooldown_s" => "Autoscaling: time after a scaling action before scaling in",
        "provisioning_s" => "Autoscaling: time from launching a replica to its being in service",
        _ => "",
    }
}

/// `value` with one field edit applied under the field `under` ("" for
/// the value itself), read back through serde.
pub fn edited<T: serde::Serialize + serde::de::DeserializeOwned>(
    value: &T,
    under: &str,
    edit: Edit,
) -> Result<T, String> {
    edited_json(serde_json::to_value(value).map_err(|e| e.to_string())?, under, edit)
}

/// `json` (a value as the form shows it) with one field edit applied under
/// the field `under`, read back through serde as a `T`.
pub fn edited_json<T: serde::de::DeserializeOwned>(mut json: Value, under: &str, edit: Edit) -> Result<T, String> {
    let root = if under.is_empty() { &mut json } else { field_mut(&mut json, under)? };
    apply_edit(root, edit)?;
    serde_json::from_value(integerise(json)).map_err(friendly)
}
