//! The one place the tool reads the clock.

/// The current time (the only place the tool reads the clock).
pub fn now() -> helpcard_core::date::UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs());
    helpcard_core::date::UnixTime(secs.unwrap_or(0))
}
