//! The web scanner's static files as the service sends them: gzip-compressed once at start-up
//! for browsers that accept it (RFC 9110 §8.4 content codings, RFC 1952 gzip), with an entity
//! tag so that a revalidating browser gets `304 Not Modified` instead of the file again.
//!
//! The pages are served `Cache-Control: no-cache` (a browser revalidates each time, so a new
//! build is seen at once); without a validator every revalidation would download the whole
//! scanner again, and without compression a passer-by's phone would download it 2.5× larger.

use std::io::Write;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

/// A static file of the web scanner, with its gzip form when that is smaller.
#[derive(Clone, Debug)]
pub struct Asset {
    bytes: Vec<u8>,
    gzip: Option<Vec<u8>>,
    content_type: &'static str,
    /// Strong entity tag of the identity form; the gzip form's ends in `-gz` (RFC 9110 §8.8.3:
    /// two encodings of one resource are different representations).
    etag: String,
}

impl Asset {
    /// An asset with `bytes` of media type `content_type`, compressed here when that pays.
    pub fn new(bytes: Vec<u8>, content_type: &'static str) -> Asset {
        let digest = Sha256::digest(&bytes);
        let etag = hex::encode(&digest[..12]);
        let gzip = compressible(content_type)
            .then(|| gzip(&bytes))
            .filter(|g| g.len() < bytes.len());
        Asset {
            bytes,
            gzip,
            content_type,
            etag,
        }
    }

    /// The identity bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many bytes a browser that accepts gzip receives.
    pub fn transfer_size(&self) -> usize {
        self.gzip.as_ref().unwrap_or(&self.bytes).len()
    }

    /// The response to a GET with `request` headers: the gzip form if accepted, `304` if the
    /// browser already holds this representation. Security headers are added by the router.
    pub fn response(&self, request: &HeaderMap) -> Response {
        let gzip = self.gzip.as_ref().filter(|_| accepts_gzip(request));
        let etag = match gzip {
            Some(_) => format!("\"{}-gz\"", self.etag),
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
        let body = match gzip {
            Some(g) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                g.clone()
            }
            None => self.bytes.clone(),
        };
        (headers, body).into_response()
    }
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || [
            "application/javascript",
            "application/wasm",
            "application/json",
        ]
        .iter()
        .any(|t| content_type.starts_with(t))
        || content_type.starts_with("image/svg")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    // Writing into a Vec cannot fail.
    encoder.write_all(bytes).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

/// Whether `Accept-Encoding` lists gzip (or `*`) with a weight above zero.
fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let zero = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !zero
        })
}

/// Whether `If-None-Match` names `etag` (or is `*`); weak comparison (RFC 9110 §13.1.2).
fn matches_etag(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
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
        let ae = |v| accepts_gzip(&headers(&[(header::ACCEPT_ENCODING, v)]));
        assert!(ae("gzip, deflate, br, zstd"));
        assert!(ae("br;q=1.0, GZIP;q=0.5"));
        assert!(ae("*"));
        assert!(!ae("gzip;q=0"));
        assert!(!ae("br, identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn if_none_match_takes_lists_weak_tags_and_star() {
        let m = |v| matches_etag(&headers(&[(header::IF_NONE_MATCH, v)]), "\"abc\"");
        assert!(m("\"abc\""));
        assert!(m("\"x\", W/\"abc\""));
        assert!(m("*"));
        assert!(!m("\"abc-gz\""));
    }

    #[test]
    fn only_what_shrinks_is_compressed() {
        let text = Asset::new(b"helpcard ".repeat(1000), "application/javascript");
        assert!(text.transfer_size() < 200, "{}", text.transfer_size());
        let png = Asset::new(b"helpcard ".repeat(1000), "image/png");
        assert_eq!(png.transfer_size(), 9000);
        let tiny = Asset::new(b"{}".to_vec(), "application/json");
        assert_eq!(tiny.transfer_size(), 2);
    }
}
