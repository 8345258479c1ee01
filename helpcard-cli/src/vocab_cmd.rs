//! `helpcard vocab [--category C] [--json]`: the coded vocabulary, so an issuing office can find
//! the key to write in a profile.

use clap::Args;
use helpcard_core::vocab::{Category, VOCAB_VERSION};
use serde_json::json;

use crate::fail::Fail;
use crate::lang::Lang;

#[derive(Args)]
pub struct VocabArgs {
    /// Only this list: help, condition, medical-care or relation.
    #[arg(long)]
    category: Option<String>,
    /// One JSON object: {"version", "entries": [{"category", "code", "key", "ja", "en", "easy_ja"}]}.
    #[arg(long)]
    json: bool,
}

pub fn run(a: VocabArgs, lang: Lang) -> Result<(), Fail> {
    let categories: Vec<Category> = match &a.category {
        None => Category::ALL.to_vec(),
        Some(name) => vec![
            Category::ALL
                .into_iter()
                .find(|c| c.name() == name)
                .ok_or_else(|| {
                    Fail::general(format!(
                        "--category {name}: {} help, condition, medical-care, relation",
                        lang.t("次のどれかを指定してください:", "expected one of")
                    ))
                })?,
        ],
    };
    let entries = categories
        .iter()
        .flat_map(|c| c.entries().iter().map(move |e| (*c, e)));
    if a.json {
        let entries: Vec<_> = entries
            .map(|(c, e)| {
                json!({ "category": c.name(), "code": e.code, "key": e.key,
                        "ja": e.ja, "en": e.en, "easy_ja": e.easy_ja })
            })
            .collect();
        println!(
            "{}",
            json!({ "version": VOCAB_VERSION, "entries": entries })
        );
        return Ok(());
    }
    println!(
        "# {} {VOCAB_VERSION}",
        lang.t("語彙のバージョン", "vocabulary version")
    );
    println!("category\tcode\tkey\tja\ten\teasy_ja");
    for (c, e) in entries {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            c.name(),
            e.code,
            e.key,
            e.ja,
            e.en,
            e.easy_ja
        );
    }
    Ok(())
}
