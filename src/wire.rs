//! What crosses between the page and its workers as JSON that JSON alone
//! cannot hold: an `Option<f64>` that may be infinite or NaN (a p99 over
//! an interval in which nothing completed is ∞ ms). Such a value crosses as
//! the text `"inf"`, `"-inf"` or `"NaN"`; a finite one as a number, and
//! None as null. Use it with `#[serde(with = "crate::wire::option_f64")]`.

/// Serde functions for an `Option<f64>` that may not be finite (see the
/// module).
pub mod option_f64 {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};
    use serde::Serializer;

    /// Writes `value`: null, a number, or `"inf"`, `"-inf"`, `"NaN"`.
    ///
    /// Errors: those of the serializer.
    pub fn serialize<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            None => s.serialize_none(),
            Some(x) if x.is_finite() => s.serialize_some(x),
            Some(x) if x.is_nan() => s.serialize_some("NaN"),
            Some(x) => s.serialize_some(if *x > 0.0 { "inf" } else { "-inf" }),
        }
    }

    /// Reads what [`serialize`] writes.
    ///
    /// Errors: anything else (a text other than those three, an object).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_option(Number)
    }

    /// Visits null, a number or one of the three texts.
    struct Number;

    impl<'de> Visitor<'de> for Number {
        type Value = Option<f64>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(r#"null, a number, "inf", "-inf" or "NaN""#)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_f64<E: de::Error>(self, x: f64) -> Result<Self::Value, E> {
            Ok(Some(x))
        }

        fn visit_u64<E: de::Error>(self, x: u64) -> Result<Self::Value, E> {
            Ok(Some(x as f64))
        }

        fn visit_i64<E: de::Error>(self, x: i64) -> Result<Self::Value, E> {
            Ok(Some(x as f64))
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            match text {
                "inf" => Ok(Some(f64::INFINITY)),
                "-inf" => Ok(Some(f64::NEG_INFINITY)),
                "NaN" => Ok(Some(f64::NAN)),
                _ => Err(E::invalid_value(de::Unexpected::Str(text), &self)),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        #[derive(Debug, serde::Serialize, serde::Deserialize)]
        struct Holder(#[serde(with = "super")] Option<f64>);

        fn back(x: Option<f64>) -> (String, Option<f64>) {
            let json = serde_json::to_string(&Holder(x)).unwrap();
            let Holder(y) = serde_json::from_str(&json).unwrap();
            (json, y)
        }

        #[test]
        fn every_value_comes_back() {
            assert_eq!(back(None), ("null".to_owned(), None));
            assert_eq!(back(Some(0.1)), ("0.1".to_owned(), Some(0.1)));
            assert_eq!(back(Some(f64::INFINITY)), (r#""inf""#.to_owned(), Some(f64::INFINITY)));
            assert_eq!(back(Some(f64::NEG_INFINITY)), (r#""-inf""#.to_owned(), Some(f64::NEG_INFINITY)));
            let (json, nan) = back(Some(f64::NAN));
            assert!(json == r#""NaN""# && nan.is_some_and(f64::is_nan));
            assert_eq!(serde_json::from_str::<Holder>("3").unwrap().0, Some(3.0));
            assert!(serde_json::from_str::<Holder>(r#""infinity""#).is_err());
        }
    }
}
