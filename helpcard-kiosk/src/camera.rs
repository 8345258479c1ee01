//! The USB webcam through nokhwa (V4L2 on Linux), as a [`FrameSource`].
//!
//! For the QR reader only luma matters, so the camera is asked for YUYV, MJPEG, NV12 or GRAY
//! and each frame becomes grey without a colour conversion: every other byte of YUYV, the Y
//! plane of NV12, and MJPEG decoded straight to its luma component (a full RGB conversion
//! costs more than the QR read itself).
//!
//! nokhwa's V4L2 capture has no read timeout: [`Camera::next_frame`] can block for ever on a
//! stalled or unplugged camera. The kiosk therefore never calls it from the scan worker; the
//! capture supervisor ([`crate::capture`]) runs it on its own thread behind a watchdog.

use std::path::Path;

use helpcard_qr::LumaFrame;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
};

use crate::source::{FrameSource, SourceError};

/// Which camera and what to ask it for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CameraSpec {
    /// `0`, `/dev/video0`, or a stable `/dev/v4l/by-id/…` path (survives re-plugging).
    pub device: String,
    /// Requested width; the camera's closest format is taken.
    pub width: u32,
    /// Requested height.
    pub height: u32,
    /// Requested frame rate.
    pub fps: u32,
}

impl Default for CameraSpec {
    /// The first camera at 1920×1080, 30 fps: the read range of a printed card grows with the
    /// pixels per module, so the kiosk asks for more than it shows.
    fn default() -> CameraSpec {
        CameraSpec {
            device: "0".into(),
            width: 1920,
            height: 1080,
            fps: 30,
        }
    }
}

/// The formats the kiosk can turn into luma cheaply, in order of preference.
const FORMATS: [FrameFormat; 4] = [
    FrameFormat::YUYV,
    FrameFormat::MJPEG,
    FrameFormat::NV12,
    FrameFormat::GRAY,
];

/// The V4L2 device number for `device`: a number, or a device path whose target (after
/// following `/dev/v4l/by-id` and `by-path` links) is `/dev/videoN`.
pub fn device_index(device: &str) -> Result<u32, SourceError> {
    if let Ok(n) = device.parse::<u32>() {
        return Ok(n);
    }
    let path = Path::new(device);
    let real = std::fs::canonicalize(path).map_err(|e| {
        SourceError::Io(format!(
            "camera {device}: {e} (カメラが見つかりません。接続を確かめてください)"
        ))
    })?;
    real.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("video"))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            SourceError::Format(format!(
                "camera {device}: {} is not a V4L2 video device (/dev/videoN)",
                real.display()
            ))
        })
}

/// An open camera, streaming.
pub struct Camera {
    camera: nokhwa::Camera,
    name: String,
    format: FrameFormat,
    width: usize,
    height: usize,
}

impl Camera {
    /// Opens the camera and starts its stream at the format closest to `spec`.
    pub fn open(spec: &CameraSpec) -> Result<Camera, SourceError> {
        let index = device_index(&spec.device)?;
        let wanted = CameraFormat::new_from(spec.width, spec.height, FrameFormat::MJPEG, spec.fps);
        let request = RequestedFormat::with_formats(RequestedFormatType::Closest(wanted), &FORMATS);
        let failed = |e: nokhwa::NokhwaError| {
            SourceError::Io(format!(
                "camera {}: {e} (カメラを開けません。接続と権限 (video グループ) を確かめてください)",
                spec.device
            ))
        };
        let mut camera = nokhwa::Camera::with_backend(
            CameraIndex::Index(index),
            request,
            ApiBackend::Video4Linux,
        )
        .map_err(failed)?;
        camera.open_stream().map_err(failed)?;
        let format = camera.camera_format();
        let resolution = format.resolution();
        Ok(Camera {
            name: format!(
                "camera {} ({}, {}x{} {} @ {} fps)",
                spec.device,
                camera.info().human_name(),
                resolution.width(),
                resolution.height(),
                format.format(),
                format.frame_rate()
            ),
            format: format.format(),
            width: resolution.width() as usize,
            height: resolution.height() as usize,
            camera,
        })
    }
}

impl FrameSource for Camera {
    fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError> {
        let raw = self
            .camera
            .frame_raw()
            .map_err(|e| SourceError::Io(format!("{}: {e}", self.name)))?;
        luma(self.format, self.width, self.height, &raw).map(Some)
    }

    fn describe(&self) -> String {
        self.name.clone()
    }

    fn live(&self) -> bool {
        true
    }
}

/// One camera frame in `format` as luma. A frame whose size does not match is an error (a
/// camera that changed format under us, or a torn buffer), never a panic.
pub fn luma(
    format: FrameFormat,
    width: usize,
    height: usize,
    data: &[u8],
) -> Result<LumaFrame, SourceError> {
    let size = width * height;
    let short = |need: usize| {
        SourceError::Format(format!(
            "{format} frame of {} bytes, expected {need} for {width}x{height}",
            data.len()
        ))
    };
    let pixels = match format {
        // Y0 U Y1 V: luma is every even byte.
        FrameFormat::YUYV => {
            let bytes = data.get(..2 * size).ok_or_else(|| short(2 * size))?;
            bytes.iter().step_by(2).copied().collect()
        }
        // The Y plane comes first.
        FrameFormat::NV12 | FrameFormat::GRAY => {
            data.get(..size).ok_or_else(|| short(size))?.to_vec()
        }
        FrameFormat::MJPEG => return jpeg_luma(data),
        FrameFormat::RAWRGB | FrameFormat::RAWBGR => {
            return Err(SourceError::Format(format!(
                "{format} frames are not taken (the kiosk asks for YUYV, MJPEG, NV12 or GRAY)"
            )));
        }
    };
    Ok(LumaFrame {
        width,
        height,
        pixels,
    })
}

/// An MJPEG frame decoded to its luma only, within the reader's size limits.
pub fn jpeg_luma(data: &[u8]) -> Result<LumaFrame, SourceError> {
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(helpcard_qr::MAX_SIDE)
        .set_max_height(helpcard_qr::MAX_SIDE);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(std::io::Cursor::new(data), options);
    let bad = |e: &dyn std::fmt::Display| SourceError::Format(format!("MJPEG frame: {e}"));
    let pixels = decoder.decode().map_err(|e| bad(&e))?;
    let info = decoder.info().ok_or_else(|| bad(&"no image header"))?;
    let (width, height) = (usize::from(info.width), usize::from(info.height));
    if pixels.len() != width * height {
        return Err(bad(&format!(
            "{} bytes decoded for {width}x{height} luma",
            pixels.len()
        )));
    }
    Ok(LumaFrame {
        width,
        height,
        pixels,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn yuyv_and_nv12_give_their_luma_and_short_frames_are_errors() {
        // 2x2 YUYV: Y0 U Y1 V per pair of pixels.
        let yuyv = [10, 128, 20, 128, 30, 128, 40, 128];
        let f = luma(FrameFormat::YUYV, 2, 2, &yuyv).unwrap();
        assert_eq!(f.pixels, vec![10, 20, 30, 40]);
        let nv12 = [1, 2, 3, 4, 128, 128];
        assert_eq!(
            luma(FrameFormat::NV12, 2, 2, &nv12).unwrap().pixels,
            vec![1, 2, 3, 4]
        );
        let err = luma(FrameFormat::YUYV, 2, 2, &yuyv[..6])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("expected 8"), "{err}");
        assert!(luma(FrameFormat::RAWRGB, 1, 1, &[0, 0, 0]).is_err());
    }

    #[test]
    fn mjpeg_decodes_to_the_luma_of_the_picture() {
        // A colour JPEG (as a webcam sends): left half dark red, right half light yellow.
        let (w, h) = (64u32, 16u32);
        let img = image::RgbImage::from_fn(w, h, |x, _| {
            if x < w / 2 {
                image::Rgb([120, 0, 0])
            } else {
                image::Rgb([250, 250, 160])
            }
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
            .encode_image(&img)
            .unwrap();
        let f = luma(FrameFormat::MJPEG, 0, 0, &jpeg).unwrap();
        assert_eq!((f.width, f.height), (64, 16));
        // BT.601 luma: 0.299 R + 0.587 G + 0.114 B.
        let (dark, light) = (f.pixels[8 * 64 + 4], f.pixels[8 * 64 + 60]);
        assert!((30..=42).contains(&dark), "{dark}");
        assert!((225..=245).contains(&light), "{light}");
        let err = jpeg_luma(&jpeg[..40]).err().unwrap().to_string();
        assert!(err.starts_with("MJPEG frame"), "{err}");
        assert!(jpeg_luma(b"not a jpeg").is_err());
    }

    #[test]
    fn devices_are_numbers_or_video_paths() {
        assert_eq!(device_index("2").unwrap(), 2);
        let err = device_index("/dev/v4l/by-id/usb-none-video-index0")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("by-id/usb-none"), "{err}");
        // A path that exists but is not a video device.
        assert!(matches!(
            device_index("/dev/null"),
            Err(SourceError::Format(_))
        ));
    }

    #[test]
    fn no_camera_is_an_error_that_says_so() {
        // Device 63 does not exist on a test machine: the open fails with a message, no panic.
        let spec = CameraSpec {
            device: "/dev/video63".into(),
            ..CameraSpec::default()
        };
        let err = Camera::open(&spec).err().unwrap().to_string();
        assert!(err.contains("video63") || err.contains("カメラ"), "{err}");
    }
}
