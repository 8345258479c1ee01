//! Where frames come from, behind one trait: image files, a directory of them, a Y4M video, or
//! frames made in memory (the demo). The camera (nokhwa, V4L2) joins as another source.
//!
//! For the QR reader only luma matters, so every source yields 8-bit grayscale frames.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use helpcard_qr::LumaFrame;

/// Why a source could not give a frame.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file or device could not be opened or read.
    #[error("{0}")]
    Io(String),
    /// The data is not what the source expects (not an image, a bad Y4M header).
    #[error("{0}")]
    Format(String),
}

/// A source of grayscale frames.
pub trait FrameSource {
    /// The next frame; `Ok(None)` when the source has ended (a file source; a camera never
    /// ends by itself).
    fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError>;

    /// What to call this source in messages.
    fn describe(&self) -> String;

    /// True for a live camera, whose frames may be dropped when the scanner is busy; file
    /// sources give every frame.
    fn live(&self) -> bool {
        false
    }
}

/// Image files (PNG, JPEG), one frame each, in the given order.
pub struct Images {
    paths: Vec<PathBuf>,
    next: usize,
}

impl Images {
    /// One image.
    pub fn file(path: &Path) -> Images {
        Images {
            paths: vec![path.to_path_buf()],
            next: 0,
        }
    }

    /// Every `.png`, `.jpg` and `.jpeg` in `dir`, sorted by name.
    pub fn dir(dir: &Path) -> Result<Images, SourceError> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| SourceError::Io(format!("{}: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg")
                })
            })
            .collect();
        paths.sort();
        Ok(Images { paths, next: 0 })
    }
}

impl FrameSource for Images {
    fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError> {
        let Some(path) = self.paths.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        let bytes =
            std::fs::read(path).map_err(|e| SourceError::Io(format!("{}: {e}", path.display())))?;
        helpcard_qr::decode_luma(&bytes)
            .map(Some)
            .map_err(|e| SourceError::Format(format!("{}: {e}", path.display())))
    }

    fn describe(&self) -> String {
        match self.paths.as_slice() {
            [one] => one.display().to_string(),
            many => format!("{} images", many.len()),
        }
    }
}

/// A YUV4MPEG2 video (what ffmpeg writes with `-f yuv4mpegpipe`, and what Chromium's fake
/// camera reads): the Y plane of each frame is the luma frame; chroma is skipped.
pub struct Y4m {
    path: PathBuf,
    reader: BufReader<File>,
    width: usize,
    height: usize,
    /// Bytes of chroma after each Y plane.
    chroma: usize,
}

impl Y4m {
    /// Opens the file and reads its header (`C420*`, `C422`, `C444` and `Cmono` colour spaces).
    pub fn open(path: &Path) -> Result<Y4m, SourceError> {
        let io = |e: std::io::Error| SourceError::Io(format!("{}: {e}", path.display()));
        let bad = |m: &str| SourceError::Format(format!("{}: {m}", path.display()));
        let mut reader = BufReader::new(File::open(path).map_err(io)?);
        let mut header = String::new();
        reader.read_line(&mut header).map_err(io)?;
        let mut fields = header.split_whitespace();
        if fields.next() != Some("YUV4MPEG2") {
            return Err(bad("not a YUV4MPEG2 (.y4m) file"));
        }
        let (mut width, mut height, mut colour) = (0usize, 0usize, "420");
        for f in fields {
            match f.split_at(1) {
                ("W", v) => width = v.parse().map_err(|_| bad("bad width"))?,
                ("H", v) => height = v.parse().map_err(|_| bad("bad height"))?,
                ("C", v) => colour = v,
                _ => {}
            }
        }
        if width == 0
            || height == 0
            || width > helpcard_qr::MAX_SIDE
            || height > helpcard_qr::MAX_SIDE
        {
            return Err(bad("frame size missing or out of range"));
        }
        let luma = width * height;
        let chroma = match colour {
            c if c.starts_with("420") => 2 * (width.div_ceil(2) * height.div_ceil(2)),
            c if c.starts_with("422") => 2 * (width.div_ceil(2) * height),
            c if c.starts_with("444") => 2 * luma,
            c if c.starts_with("mono") => 0,
            other => return Err(bad(&format!("colour space C{other} is not supported"))),
        };
        Ok(Y4m {
            path: path.to_path_buf(),
            reader,
            width,
            height,
            chroma,
        })
    }
}

impl FrameSource for Y4m {
    fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError> {
        let io = |e: std::io::Error| SourceError::Io(format!("{}: {e}", self.path.display()));
        let mut marker = String::new();
        if self.reader.read_line(&mut marker).map_err(io)? == 0 {
            return Ok(None);
        }
        if !marker.starts_with("FRAME") {
            return Err(SourceError::Format(format!(
                "{}: expected a FRAME marker",
                self.path.display()
            )));
        }
        let mut pixels = vec![0u8; self.width * self.height];
        match self.reader.read_exact(&mut pixels) {
            Ok(()) => {}
            // A frame cut short at the end of the file ends the video.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(io(e)),
        }
        std::io::copy(
            &mut (&mut self.reader).take(self.chroma as u64),
            &mut std::io::sink(),
        )
        .map_err(io)?;
        Ok(Some(LumaFrame {
            width: self.width,
            height: self.height,
            pixels,
        }))
    }

    fn describe(&self) -> String {
        format!("{} ({}x{})", self.path.display(), self.width, self.height)
    }
}

/// Frames held in memory, each given once (the demo's and the tests').
pub struct Frames {
    frames: std::vec::IntoIter<LumaFrame>,
    name: String,
}

impl Frames {
    /// These frames, in order.
    pub fn new(name: &str, frames: Vec<LumaFrame>) -> Frames {
        Frames {
            frames: frames.into_iter(),
            name: name.to_owned(),
        }
    }
}

impl FrameSource for Frames {
    fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError> {
        Ok(self.frames.next())
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}

/// A looping slideshow at a camera's frame rate: each frame shown for its count of frames,
/// then the next, for ever (the GUI demo's camera, and the benchmark's idle soak).
pub struct Slideshow {
    slides: Vec<(LumaFrame, usize)>,
    slide: usize,
    shown: usize,
    interval: std::time::Duration,
    next_at: std::time::Instant,
}

impl Slideshow {
    /// `slides` (frame, frames to show it) at `fps` frames per second; 0 fps: as fast as read.
    pub fn new(slides: Vec<(LumaFrame, usize)>, fps: u32) -> Slideshow {
        Slideshow {
            slides,
            slide: 0,
            shown: 0,
            interval: std::time::Duration::from_secs(1)
                .checked_div(fps)
                .unwrap_or_default(),
            next_at: std::time::Instant::now(),
        }
    }
}

impl FrameSource for Slideshow {
    fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError> {
        let now = std::time::Instant::now();
        if self.next_at > now {
            std::thread::sleep(self.next_at - now);
        }
        self.next_at = self.next_at.max(now) + self.interval;
        let Some((frame, count)) = self.slides.get(self.slide) else {
            return Ok(None);
        };
        let frame = frame.clone();
        self.shown += 1;
        if self.shown >= *count {
            (self.slide, self.shown) = ((self.slide + 1) % self.slides.len(), 0);
        }
        Ok(Some(frame))
    }

    fn describe(&self) -> String {
        format!("slideshow of {} frames", self.slides.len())
    }

    fn live(&self) -> bool {
        true
    }
}

/// Parses `--source KIND:PATH` (`image:`, `dir:`, `y4m:`).
pub fn open(spec: &str) -> Result<Box<dyn FrameSource>, SourceError> {
    let (kind, path) = spec.split_once(':').ok_or_else(|| {
        SourceError::Format(format!(
            "--source {spec}: expected camera:DEVICE, image:PATH, dir:PATH or y4m:PATH"
        ))
    })?;
    let path = Path::new(path);
    Ok(match kind {
        "image" => Box::new(Images::file(path)),
        "dir" => Box::new(Images::dir(path)?),
        "y4m" => Box::new(Y4m::open(path)?),
        other => {
            return Err(SourceError::Format(format!(
                "--source {other}:…: expected camera, image, dir or y4m"
            )));
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("helpcard-kiosk-src-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn y4m_frames_are_read_and_bad_files_named() {
        let d = tmp("y4m");
        let mut data = b"YUV4MPEG2 W4 H2 F25:1 C420jpeg\n".to_vec();
        for v in [10u8, 20] {
            data.extend_from_slice(b"FRAME\n");
            data.extend_from_slice(&[v; 8]);
            data.extend_from_slice(&[128; 4]); // 2 x (2 x 1) chroma
        }
        data.extend_from_slice(b"FRAME\n\x01\x02"); // cut short: the video ends
        std::fs::write(d.join("ok.y4m"), &data).unwrap();
        let mut s = Y4m::open(&d.join("ok.y4m")).unwrap();
        assert_eq!(s.next_frame().unwrap().unwrap().pixels, vec![10; 8]);
        assert_eq!(s.next_frame().unwrap().unwrap().pixels, vec![20; 8]);
        assert!(s.next_frame().unwrap().is_none());

        std::fs::write(d.join("bad.y4m"), b"RIFF not a video").unwrap();
        let err = Y4m::open(&d.join("bad.y4m")).err().unwrap().to_string();
        assert!(
            err.contains("bad.y4m") && err.contains("YUV4MPEG2"),
            "{err}"
        );
        std::fs::write(d.join("huge.y4m"), b"YUV4MPEG2 W100000 H2\n").unwrap();
        assert!(Y4m::open(&d.join("huge.y4m")).is_err());
    }

    #[test]
    fn a_directory_gives_its_images_in_name_order_and_sources_parse() {
        let d = tmp("dir");
        let white = helpcard_qr::Symbol {
            version: 1,
            ec_level: helpcard_qr::EcLevel::M,
            width: 21,
            modules: vec![false; 21 * 21],
        };
        std::fs::write(d.join("b.png"), white.to_png(2, None)).unwrap();
        std::fs::write(d.join("a.png"), white.to_png(1, None)).unwrap();
        std::fs::write(d.join("notes.txt"), "not an image").unwrap();
        let mut s = Images::dir(&d).unwrap();
        assert_eq!(s.describe(), "2 images");
        assert_eq!(s.next_frame().unwrap().unwrap().width, 29);
        assert_eq!(s.next_frame().unwrap().unwrap().width, 58);
        assert!(s.next_frame().unwrap().is_none());
        assert!(open("camera:0").is_err());
        assert!(open("nocolon").is_err());
        assert!(open(&format!("dir:{}", d.display())).is_ok());
    }
}
