//! `helpcard keys new|show`, and loading keys for the other commands.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use helpcard_core::keys::{
    KeyError, Protection, ResponderKey, ResponderPublicKey, Role, SigningKey, VerifyingKey,
};
use rand_core::OsRng;
use zeroize::Zeroizing;

use crate::fail::{self, Fail};
use crate::lang::Lang;
use helpcard_office::files::{Access, create_new};

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a key pair: PREFIX.key.json (private, passphrase-protected) and PREFIX.pub.json.
    /// The passphrase comes from HELPCARD_PASSPHRASE or is asked for twice.
    New {
        /// What the key is for.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Path prefix of the two files.
        #[arg(long)]
        out: PathBuf,
        /// Store the private key WITHOUT protection (demos and tests only).
        #[arg(long)]
        insecure_plaintext: bool,
    },
    /// Rotate: create the next key (as `new`) and print the trust-list entry to add. The old
    /// key stays on the trust list with `not_after` set to today, so every card it signed
    /// still verifies; new cards use the new key.
    Rotate {
        /// What the key is for (issuer or responder).
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Path prefix of the new key's two files.
        #[arg(long)]
        out: PathBuf,
    },
    /// Show the role, kind and key id of key files.
    Show {
        /// Key files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Key role on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// Signs trust lists.
    Root,
    /// Signs cards and revocation lists.
    Issuer,
    /// Decrypts private parts.
    Responder,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Root => Role::Root,
            RoleArg::Issuer => Role::Issuer,
            RoleArg::Responder => Role::Responder,
        }
    }
}

pub fn run(cmd: KeysCommand, lang: Lang) -> Result<(), Fail> {
    match cmd {
        KeysCommand::New {
            role,
            out,
            insecure_plaintext,
        } => new(role.into(), &out, insecure_plaintext, lang),
        KeysCommand::Rotate { role, out } => rotate(role.into(), &out, lang),
        KeysCommand::Show { files } => {
            for f in files {
                let text = fail::read_text(&f, lang)?;
                let v: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| Fail::general(format!("{}: {e}", f.display())))?;
                let protection = if v["sealed"].is_object() {
                    "argon2id+chacha20poly1305"
                } else if v["insecure_plaintext_secret"].is_string() {
                    "INSECURE-PLAINTEXT"
                } else {
                    "-"
                };
                println!(
                    "{}\trole={}\tkind={}\tkid={}\tprotection={protection}",
                    f.display(),
                    v["role"].as_str().unwrap_or("?"),
                    v["kind"].as_str().unwrap_or("?"),
                    v["kid"].as_str().unwrap_or("?")
                );
            }
            Ok(())
        }
    }
}

fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn new(role: Role, out: &Path, insecure: bool, lang: Lang) -> Result<(), Fail> {
    let (private_path, public_path) =
        (with_suffix(out, ".key.json"), with_suffix(out, ".pub.json"));
    for p in [&private_path, &public_path] {
        if p.exists() {
            return Err(Fail::general(format!(
                "{}: {}",
                p.display(),
                lang.t(
                    "すでに存在します（上書きしません）",
                    "already exists (not overwritten)"
                )
            )));
        }
    }
    let passphrase = if insecure {
        None
    } else {
        Some(passphrase(lang, true)?)
    };
    let protection = match &passphrase {
        Some(p) => Protection::Passphrase(p),
        None => Protection::InsecurePlaintext,
    };
    let mut rng = OsRng;
    let key_err = |e: KeyError| Fail::general(e.message(lang.vocab()));
    let (private, public, kid) = match role {
        Role::Responder => {
            let k = ResponderKey::generate(&mut rng);
            (
                k.to_file(protection, &mut rng).map_err(key_err)?,
                k.public_key().to_file(),
                k.key_id(),
            )
        }
        _ => {
            let k = SigningKey::generate(&mut rng);
            (
                k.to_file(role, protection, &mut rng).map_err(key_err)?,
                k.verifying_key().to_file(role),
                k.key_id(),
            )
        }
    };
    // The secret key file is owner-only, and neither file replaces anything (links included).
    for (path, bytes, access) in [
        (&private_path, private.as_bytes(), Access::Private),
        (&public_path, public.as_bytes(), Access::Public),
    ] {
        create_new(path, bytes, access).map_err(|e| {
            Fail::general(format!(
                "{}: {} ({e})",
                path.display(),
                lang.t("ファイルを書けません", "cannot write the file")
            ))
        })?;
    }
    println!("{} {role} kid={kid}", lang.t("作成しました:", "created:"));
    println!("  {}", private_path.display());
    println!("  {}", public_path.display());
    if insecure {
        eprintln!(
            "{}",
            lang.t(
                "警告: 秘密鍵は保護されていません（デモ・テスト専用）",
                "warning: the private key is NOT protected (demos and tests only)"
            )
        );
    }
    Ok(())
}

/// Shortest passphrase accepted for a new key (characters).
const MIN_PASSPHRASE: usize = 10;

fn too_short(lang: Lang) -> Fail {
    Fail::general(lang.t(
        "パスフレーズは10文字以上にしてください",
        "use a passphrase of at least 10 characters",
    ))
}

/// The passphrase from HELPCARD_PASSPHRASE, or asked for on the terminal. For a new key
/// (`confirm`), both sources must give at least ten characters.
pub fn passphrase(lang: Lang, confirm: bool) -> Result<Zeroizing<String>, Fail> {
    if let Ok(p) = std::env::var("HELPCARD_PASSPHRASE") {
        let p = Zeroizing::new(p);
        if confirm && p.chars().count() < MIN_PASSPHRASE {
            return Err(too_short(lang));
        }
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Fail::with_code(
            fail::KEY,
            lang.t(
                "パスフレーズがありません。端末で実行するか HELPCARD_PASSPHRASE を設定してください",
                "no passphrase: run in a terminal or set HELPCARD_PASSPHRASE",
            ),
        ));
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|e| Fail::general(e.to_string()))
    };
    let first = ask(lang.t("パスフレーズ: ", "Passphrase: "))?;
    if confirm {
        if first.chars().count() < MIN_PASSPHRASE {
            return Err(too_short(lang));
        }
        let second = ask(lang.t("もう一度: ", "Again: "))?;
        if first != second {
            return Err(Fail::general(
                lang.t("パスフレーズが一致しません", "the passphrases differ"),
            ));
        }
    }
    Ok(first)
}

/// A key that could not be loaded, in the reader's words: exit 4 when a passphrase is wrong
/// or missing.
fn key_fail(path: &Path, e: KeyError, lang: Lang) -> Fail {
    let code = match e {
        KeyError::WrongPassphrase | KeyError::PassphraseRequired => fail::KEY,
        _ => fail::GENERAL,
    };
    Fail::with_code(
        code,
        format!("{}: {}", path.display(), e.message(lang.vocab())),
    )
}

/// True when the key file holds its secret without a passphrase (demo and test keys).
pub fn is_unprotected(path: &Path, lang: Lang) -> Result<bool, Fail> {
    let v: serde_json::Value = serde_json::from_str(&fail::read_text(path, lang)?)
        .map_err(|e| key_fail(path, KeyError::Malformed(e.to_string()), lang))?;
    Ok(v.get("insecure_plaintext_secret").is_some())
}

/// Loads a private signing key, asking for the passphrase only if the file needs one.
pub fn load_signing(path: &Path, role: Role, lang: Lang) -> Result<SigningKey, Fail> {
    let text = fail::read_text(path, lang)?;
    match SigningKey::from_file(&text, role, None) {
        Err(KeyError::PassphraseRequired) => {
            let p = passphrase(lang, false)?;
            SigningKey::from_file(&text, role, Some(&p)).map_err(|e| key_fail(path, e, lang))
        }
        other => other.map_err(|e| key_fail(path, e, lang)),
    }
}

/// Loads a private responder key, asking for the passphrase only if the file needs one.
pub fn load_responder(path: &Path, lang: Lang) -> Result<ResponderKey, Fail> {
    let text = fail::read_text(path, lang)?;
    match ResponderKey::from_file(&text, None) {
        Err(KeyError::PassphraseRequired) => {
            let p = passphrase(lang, false)?;
            ResponderKey::from_file(&text, Some(&p)).map_err(|e| key_fail(path, e, lang))
        }
        other => other.map_err(|e| key_fail(path, e, lang)),
    }
}

/// Loads a public signing key of `role`.
pub fn load_verifying(path: &Path, role: Role, lang: Lang) -> Result<VerifyingKey, Fail> {
    VerifyingKey::from_file(&fail::read_text(path, lang)?, role)
        .map_err(|e| key_fail(path, e, lang))
}

/// Loads a responder public key.
pub fn load_responder_public(path: &Path, lang: Lang) -> Result<ResponderPublicKey, Fail> {
    ResponderPublicKey::from_file(&fail::read_text(path, lang)?)
        .map_err(|e| key_fail(path, e, lang))
}

fn rotate(role: Role, out: &Path, lang: Lang) -> Result<(), Fail> {
    if role == Role::Root {
        return Err(Fail::general(lang.t(
            "ルート鍵はスキャナーに固定されています。新しいルート鍵はスキャナーの更新と一緒に配布してください",
            "the root key is pinned in every scanner: distribute a new root key with a scanner update",
        )));
    }
    new(role, out, false, lang)?;
    let today = crate::clock::now().date();
    let (table, id) = if role == Role::Issuer {
        ("issuer", "id = \"...\"  # the old key's issuer id\n")
    } else {
        ("responder", "")
    };
    println!(
        "\n{}\n",
        lang.t(
            "信頼リストの設定に次を追加してください:",
            "Add this to the trust list description:"
        )
    );
    println!(
        "[[{table}]]\nkey = \"{}\"\n{id}name = \"...\"\nnot_before = \"{today}\"\nnot_after = \"...\"\n",
        with_suffix(out, ".pub.json").display()
    );
    if lang == Lang::Ja {
        println!(
            "古い鍵の not_after を {today} にし、sequence を 1 増やして `helpcard trust build` を実行してください。古い鍵で発行したカードは有効期限まで検証できます。"
        );
    } else {
        println!(
            "Set the old key's not_after to {today}, increase sequence by one, and run `helpcard trust build`. Cards signed with the old key keep verifying until they expire."
        );
    }
    Ok(())
}
