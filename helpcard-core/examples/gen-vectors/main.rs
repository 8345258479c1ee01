//! Writes the test vectors to `test-vectors/v3/` (one JSON file per case).
//!
//! Run: `cargo run -p helpcard-core --example gen-vectors`

mod cases;

fn main() -> std::io::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/v3");
    std::fs::create_dir_all(&dir)?;
    for old in std::fs::read_dir(&dir)? {
        let old = old?.path();
        if old.extension().is_some_and(|e| e == "json") {
            std::fs::remove_file(old)?;
        }
    }
    let vectors = cases::all();
    for v in &vectors {
        let text = serde_json::to_string_pretty(&v.json).expect("JSON") + "\n";
        std::fs::write(dir.join(format!("{}.json", v.name)), text)?;
    }
    println!("wrote {} vectors to {}", vectors.len(), dir.display());
    Ok(())
}
