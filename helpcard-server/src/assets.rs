//! The web scanner's static files as the service sends them: compressed once at start-up with
//! Brotli (RFC 7932; browsers take it over HTTPS) and gzip (RFC 1952) for browsers that accept
//! them (RFC 9110 §8.4 content codings), with an entity tag so that a revalidating browser gets
//! `304 Not Modified` instead of the file again.
//!
//! The pages are served `Cache-Control: no-cache` (a browser revalidates each time, so a new
//! build is seen at once); without a validator every revalidation would download the whole
//! scanner again, and without compression a passer-by's phone would download about twice as
//! much (Brotli at quality 11 with a 16 MiB window takes the page's WASM module 13 % below gzip -9;
//! about a second of start-up).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use crate::http::header_items;

/// A content coding the service can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
}

impl Coding {
    /// Its name in `Accept-Encoding` and `Content-Encoding`.
    fn name(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
        }
    }

    fn encode(self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Coding::Brotli => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality: 11,
                    lgwin: 24,
                    ..Default::default()
                };
                // Reading from a slice and writing into a Vec cannot fail.
                brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
                    .expect("brotli into memory");
            }
            Coding::Gzip => {
                let mut encoder = GzEncoder::new(out, Compression::best());
                encoder.write_all(bytes).expect("gzip into memory");
                out = encoder.finish().expect("gzip into memory");
            }
        }
        out
    }
}

/// A static file of the web scanner, with its compressed forms (those smaller than it), best
/// first.
#[derive(Clone, Debug)]
pub struct Asset {
    // Shared buffers: a response clones a reference, not the file.
    bytes: Bytes,
    encoded: Vec<(Coding, Bytes)>,
    content_type: &'static str,
    /// Strong entity tag of the identity form; an encoded form's adds `-br` or `-gzip`
    /// (RFC 9110 §8.8.3: two encodings of one resource are different representations).
    etag: String,
}

impl Asset {
    /// An asset with `bytes` of media type `content_type`, compressed here when that pays.
    pub fn new(bytes: Vec<u8>, content_type: &'static str) -> Asset {
        let digest = Sha256::digest(&bytes);
        let etag = hex::encode(&digest[..12]);
        let encoded = if compressible(content_type) {
            [Coding::Brotli, Coding::Gzip]
                .into_iter()
                .map(|c| (c, c.encode(&bytes)))
                .filter(|(_, e)| e.len() < bytes.len())
                .map(|(c, e)| (c, Bytes::from(e)))
                .collect()
        } else {
            Vec::new()
        };
        Asset {
            bytes: Bytes::from(bytes),
            encoded,
            content_type,
            etag,
        }
    }

    /// The identity bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many bytes a browser that accepts `coding` (`br`, `gzip`) receives.
    pub fn transfer_size(&self, coding: &str) -> usize {
        self.encoded
            .iter()
            .find(|(c, _)| c.name() == coding)
            .map_or(self.bytes.len(), |(_, e)| e.len())
    }

    /// The response to a GET with `request` headers: the best form it accepts, or `304` if the
    /// browser already holds that representation. Security headers are added by the router.
    pub fn response(&self, request: &HeaderMap) -> Response {
        let chosen = self
            .encoded
            .iter()
            .find(|(c, _)| accepts(request, c.name()));
        let etag = match chosen {
            Some((c, _)) => format!("\"{}-{}\"", self.etag, c.name()),
            None => format!("\"{}\"", self.etag),
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
        if matches_etag(request, &etag) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        let body = match chosen {
            Some((c, encoded)) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c.name()));
                encoded.clone()
            }
            None => self.bytes.clone(),
        };
        (headers, body).into_response()
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json" | "webmanifest") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// The web scanner's files under `dir`, by path relative to it; a placeholder page when the
/// directory is missing (the scanner is built by `helpcard-wasm/build.sh`).
pub fn load(dir: Option<&Path>) -> Result<HashMap<String, Asset>, String> {
    let mut out = HashMap::new();
    let Some(dir) = dir.filter(|d| d.is_dir()) else {
        out.insert(
            "index.html".to_owned(),
            Asset::new(
                include_bytes!("placeholder.html").to_vec(),
                "text/html; charset=utf-8",
            ),
        );
        return Ok(out);
    };
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let key = rel.to_string_lossy().replace('\\', "/");
                out.insert(key, Asset::new(bytes, content_type(&path)));
            }
        }
    }
    Ok(out)
}

/// Whether a file of this media type is worth compressing (images other than SVG already are).
fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("image/svg")
        || [
            "application/javascript",
            "application/wasm",
            "application/json",
        ]
        .contains(&content_type)
}

/// Whether `Accept-Encoding` lists `coding` (or `*`) with a weight above zero.
fn accepts(request: &HeaderMap, coding: &str) -> bool {
    header_items(request, header::ACCEPT_ENCODING, ',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let zero = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        (name.eq_ignore_ascii_case(coding) || name == "*") && !zero
    })
}

/// Whether `If-None-Match` names `etag` (or is `*`); weak comparison (RFC 9110 §13.1.2).
fn matches_etag(request: &HeaderMap, etag: &str) -> bool {
    header_items(request, header::IF_NONE_MATCH, ',')
        .map(|t| t.trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        let ae = |v, coding| accepts(&headers(&[(header::ACCEPT_ENCODING, v)]), coding);
        assert!(ae("gzip, deflate, br, zstd", "gzip"));
        assert!(ae("gzip, deflate, br, zstd", "br"));
        assert!(ae("br;q=1.0, GZIP;q=0.5", "gzip"));
        assert!(ae("*", "br"));
        assert!(!ae("gzip;q=0", "gzip"));
        assert!(!ae("gzip, deflate", "br"));
        assert!(!ae("br, identity", "gzip"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn if_none_match_takes_lists_weak_tags_and_star() {
        let m = |v| matches_etag(&headers(&[(header::IF_NONE_MATCH, v)]), "\"abc\"");
        assert!(m("\"abc\""));
        assert!(m("\"x\", W/\"abc\""));
        assert!(m("*"));
        assert!(!m("\"abc-gzip\""));
    }

    #[test]
    fn only_what_shrinks_is_compressed_and_brotli_comes_first() {
        let text = Asset::new(b"helpcard ".repeat(1000), "application/javascript");
        assert!(
            text.transfer_size("gzip") < 200,
            "{}",
            text.transfer_size("gzip")
        );
        assert!(
            text.transfer_size("br") < 100,
            "{}",
            text.transfer_size("br")
        );
        let br = text.response(&headers(&[(header::ACCEPT_ENCODING, "gzip, br")]));
        assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
        let png = Asset::new(b"helpcard ".repeat(1000), "image/png");
        assert_eq!(png.transfer_size("gzip"), 9000);
        let tiny = Asset::new(b"{}".to_vec(), "application/json");
        assert_eq!(tiny.transfer_size("br"), 2);
    }
}
