//! `helpcard batch SOURCE`: issue many cards at once from a CSV file (one profile per row) or a
//! directory of profile files. Every row is validated first; a row that fails is reported with
//! its row number and field and gets no card. The cards that succeed are registered in one
//! transaction, so an interrupted batch leaves no card half-registered.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use clap::Args;
use helpcard_core::profile::{Profile, ProfileError};
use helpcard_office::files::{Access, Staged};
use helpcard_office::issue::{self, Issuing, Signed};
use helpcard_office::layout::{self, CardFace};
use helpcard_office::registry::NotifyTo;
use helpcard_office::{pdf, table};
use indicatif::{ProgressBar, ProgressStyle};
use rand_core::OsRng;

use crate::fail::{self, Fail};
use crate::lang::Lang;
use crate::registry_cmd::RegistryArg;
use crate::{issue_cmd, keys_cmd};

#[derive(Args)]
pub struct BatchArgs {
    /// CSV file (one profile per row, header names the columns) or a directory of .toml/.json
    /// profile files.
    source: PathBuf,
    #[command(flatten)]
    issuing: issue_cmd::Issuing,
    /// Responder group public key file.
    #[arg(long)]
    responder: PathBuf,
    /// Output directory: HOLDER.png and HOLDER.txt per card.
    #[arg(long)]
    out: PathBuf,
    /// Also write all cards as A4 sheets with crop marks to this PDF, in the `--layout`: ten a
    /// sheet (single), ten fronts then their ten backs for duplex printing, or four to fold.
    #[arg(long)]
    pdf: Option<PathBuf>,
    /// PNG pixels per QR module.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=32))]
    pixels_per_module: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    jobs: Option<usize>,
    #[command(flatten)]
    registry: RegistryArg,
}

/// One input profile with where it came from.
struct Row {
    /// "row 12" or the file name, for messages.
    origin: String,
    holder: String,
    profile: Result<Profile, String>,
    /// Who is told when its private part is opened (the `notify` column).
    notify: Vec<NotifyTo>,
}

fn describe(e: ProfileError, lang: Lang) -> String {
    issue_cmd::profile_problems(e, lang).join("; ")
}

fn read_rows(
    source: &Path,
    today: helpcard_core::date::Date,
    lang: Lang,
) -> Result<Vec<Row>, Fail> {
    let validate = |p: Result<Profile, ProfileError>| {
        p.and_then(|p| p.validate(today).map(|()| p))
            .map_err(|e| describe(e, lang))
    };
    if source.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(source)
            .map_err(|e| Fail::general(format!("{}: {e}", source.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml" || e == "json"))
            .collect();
        files.sort();
        return files
            .into_iter()
            .map(|f| {
                let text = fail::read_text(&f, lang)?;
                let parsed = if f.extension().is_some_and(|e| e == "json") {
                    Profile::from_json(&text)
                } else {
                    Profile::from_toml(&text)
                };
                Ok(Row {
                    origin: f.display().to_string(),
                    holder: f
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    profile: validate(parsed),
                    notify: Vec::new(),
                })
            })
            .collect();
    }
    let table = fail::read(source, lang)?;
    let rows = table::read(&table, today, lang.vocab()).map_err(|e| {
        let f = Fail::office(e, lang);
        Fail::with_code(f.code, format!("{}: {}", source.display(), f.message))
    })?;
    let rows = rows
        .into_iter()
        .map(|r| Row {
            origin: format!("{}:{}", source.display(), r.line),
            holder: r.holder,
            profile: r.profile.map_err(|p| p.join("; ")),
            notify: r.notify,
        })
        .collect();
    Ok(rows)
}

/// A card issued from one row, before it is registered.
struct Issued {
    signed: Signed,
    files: Staged,
}

struct Job<'a> {
    /// Nanoseconds spent per stage, summed over threads: sign, encrypt and the QR symbol; PNG;
    /// files.
    stage_ns: [AtomicU64; 3],
    issuing: Issuing<'a>,
    out: &'a Path,
    ppm: usize,
}

/// The file name (without extension) of a holder's card: letters, digits, '-' and '_' kept,
/// everything else '_'.
fn file_name(holder: &str) -> String {
    holder
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn issue_row(job: &Job<'_>, row: &Row, profile: &Profile, lang: Lang) -> Result<Issued, String> {
    let holder = row.holder.as_str();
    let mut clock = Instant::now();
    let mut lap = |stage: usize| {
        let now = Instant::now();
        job.stage_ns[stage].fetch_add((now - clock).as_nanos() as u64, Ordering::Relaxed);
        clock = now;
    };
    let words = |e: helpcard_office::OfficeError| e.message(lang.vocab());
    let mut signed = job
        .issuing
        .sign(profile, holder, &mut OsRng)
        .map_err(words)?;
    signed.record.notify = row.notify.clone();
    lap(0);
    let png_bytes = signed.symbol.to_png(job.ppm, None);
    lap(1);
    // Staged: the files get their final names only after the registry commit, and never
    // replace a file that is there (helpcard_office::files).
    let mut files = Staged::default();
    let name = file_name(holder);
    files
        .add(
            job.out.join(format!("{name}.png")),
            &png_bytes,
            Access::Public,
        )
        .map_err(words)?;
    files
        .add(
            job.out.join(format!("{name}.txt")),
            signed.text.as_bytes(),
            Access::Public,
        )
        .map_err(words)?;
    lap(2);
    Ok(Issued { signed, files })
}

pub fn run(a: BatchArgs, lang: Lang) -> Result<(), Fail> {
    let now = crate::clock::now();
    let started = std::time::Instant::now();
    let mut rows = read_rows(&a.source, now.date(), lang)?;
    // Output files are named after the holder. Two refs that give the same file name
    // ("case/7" and "case_7", or "Case_7" on a case-insensitive disk) would put one holder's
    // card under the other's name: the later row is refused.
    let mut first_row = std::collections::HashMap::new();
    for row in &mut rows {
        let key = file_name(&row.holder).to_lowercase();
        if let Some(first) = first_row.get(&key) {
            row.profile = Err(format!(
                "holder_ref {}: {} {first}",
                row.holder,
                lang.t(
                    "のファイル名が次の行と同じになります:",
                    "gives the same file name as"
                )
            ));
        } else {
            first_row.insert(key, row.origin.clone());
        }
    }
    let issuer = a.issuing.load_issuer(lang)?;
    let responder = keys_cmd::load_responder_public(&a.responder, lang)?;
    std::fs::create_dir_all(&a.out)
        .map_err(|e| Fail::general(format!("{}: {e}", a.out.display())))?;
    let job = Job {
        stage_ns: Default::default(),
        issuing: a.issuing.issuing(&issuer, Some(&responder), now),
        out: &a.out,
        ppm: a.pixels_per_module as usize,
    };
    let progress = ProgressBar::new(rows.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let jobs = a
        .jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1);
    let chunk = rows.len().div_ceil(jobs).max(1);
    let results: Vec<Result<Issued, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .chunks(chunk)
            .map(|part| {
                let (job, progress) = (&job, &progress);
                s.spawn(move || {
                    part.iter()
                        .map(|row| {
                            let r = row
                                .profile
                                .as_ref()
                                .map_err(Clone::clone)
                                .and_then(|p| issue_row(job, row, p, lang));
                            progress.inc(1);
                            r
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A worker that panicked would leave rows without results; refuse the whole batch
        // rather than attribute a card to the wrong row.
        handles
            .into_iter()
            .map(|h| h.join().ok())
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.into_iter().flatten().collect::<Vec<_>>())
    })
    .ok_or_else(|| {
        Fail::general(lang.t(
            "内部エラーのため一括発行を中止しました（何も登録していません）",
            "internal error: the batch was stopped and nothing was registered",
        ))
    })?;
    progress.finish_and_clear();
    let issue_time = started.elapsed();
    let mut ok = Vec::new();
    let mut failed = 0;
    for (row, result) in rows.iter().zip(results) {
        match result {
            Ok(issued) => ok.push((row, issued)),
            Err(e) => {
                failed += 1;
                eprintln!("{} ({}): {e}", row.origin, row.holder);
            }
        }
    }
    // One transaction: on error nothing was registered, and every staged file is removed.
    let (rows_ok, cards): (Vec<_>, Vec<_>) = ok
        .into_iter()
        .map(|(row, issued)| ((row, issued.signed), issued.files))
        .unzip();
    let staged = rows_ok
        .iter()
        .map(|(_, signed)| signed.record.clone())
        .zip(cards)
        .collect();
    let mut registry = a.registry.open(lang)?;
    let linked =
        issue::register(&mut registry, staged, None, now).map_err(|e| Fail::office(e, lang))?;
    let mut ok = Vec::new();
    for ((row, signed), (record, result)) in rows_ok.into_iter().zip(linked) {
        match result {
            Ok(()) => ok.push((row, signed)),
            Err(e) => {
                // Registered but without its files: say so, and which card to revoke.
                failed += 1;
                eprintln!(
                    "{} ({}): {}: {} {}",
                    row.origin,
                    row.holder,
                    e.message(lang.vocab()),
                    lang.t(
                        "登録済みですがファイルを書けませんでした。失効させてください:",
                        "registered, but its files could not be written; revoke card"
                    ),
                    record.card_id
                );
            }
        }
    }
    if let Some(path) = &a.pdf {
        let font = a.issuing.font(lang)?;
        let mut doc = pdf::Document::new(&font).map_err(|e| Fail::office(e, lang))?;
        let issuer_name = a.issuing.issuer_name();
        let faces: Vec<CardFace<'_>> = ok
            .iter()
            .filter_map(|(row, signed)| {
                let profile = row.profile.as_ref().ok()?;
                Some(layout::face(
                    profile,
                    &signed.symbol,
                    issuer_name,
                    signed.card_id(),
                    signed.record.expires_at,
                ))
            })
            .collect();
        doc.sheets(&faces, a.issuing.layout());
        let bytes = doc.finish().map_err(|e| Fail::office(e, lang))?;
        fail::write(path, &bytes, lang)?;
    }
    println!(
        "{}: {} {}, {} {} ({:.1} s; {:.1} s {})",
        a.source.display(),
        ok.len(),
        lang.t("枚発行・登録", "cards issued and registered"),
        failed,
        lang.t(
            "行は失敗（上記参照、未登録）",
            "rows failed (see above; not registered)"
        ),
        started.elapsed().as_secs_f64(),
        issue_time.as_secs_f64(),
        lang.t("は発行", "issuing")
    );
    let secs = |i: usize| job.stage_ns[i].load(Ordering::Relaxed) as f64 / 1e9;
    println!(
        "{}: {} {:.1} s, PNG {:.1} s, {} {:.1} s ({jobs} {})",
        lang.t(
            "内訳（全スレッド合計）",
            "time by stage (summed over threads)"
        ),
        lang.t("署名・暗号化・QR", "sign+encrypt+QR"),
        secs(0),
        secs(1),
        lang.t("ファイル書き込み", "file writes"),
        secs(2),
        lang.t("スレッド", "threads")
    );
    if failed > 0 {
        Err(Fail::with_code(
            fail::PROFILE,
            format!("{failed} {}", lang.t("行が失敗しました", "rows failed")),
        ))
    } else {
        Ok(())
    }
}
