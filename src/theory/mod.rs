//! Closed forms of queueing theory, used by the validation tests and the
//! theory overlay.
