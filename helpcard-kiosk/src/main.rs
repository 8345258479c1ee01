//! `helpcard-kiosk`: the camera kiosk for welfare facilities. Not built yet: the camera
//! frame source, the full-screen GUI and the audit log come with their own issue. Until then
//! this binary says so and exits with status 2.

fn main() -> std::process::ExitCode {
    eprintln!("helpcard-kiosk: not implemented yet / キオスクはまだ実装されていません");
    std::process::ExitCode::from(2)
}
