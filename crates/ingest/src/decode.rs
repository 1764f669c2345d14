//! Turning an agency's bytes into UTF-8 text without ever guessing silently wrong.
//!
//! Government systems export UTF-8 (with or without BOM) or GB18030/GBK. The encoding is decided
//! at the first non-ASCII bytes: if they form valid UTF-8 the file is UTF-8, otherwise GB18030
//! (a superset of GBK). Afterwards every byte must decode; the first that does not stops the
//! file with its line and byte offset.

use encoding_rs::{Decoder, DecoderResult, Encoding, GB18030, UTF_8};
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How much non-ASCII text is examined to decide between UTF-8 and GB18030.
const SNIFF_WINDOW: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub encoding: &'static str,
    /// 1-based line on which the bad bytes stand.
    pub line: u64,
    /// 0-based offset of the first bad byte in the file.
    pub byte_offset: u64,
    pub bytes: Vec<u8>,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "bytes {} at offset {} (line {}) are not valid {}",
            hex_bytes(&self.bytes),
            self.byte_offset,
            self.line,
            self.encoding
        )
    }
}

impl std::error::Error for DecodeError {}

pub fn hex_bytes(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Wraps a byte reader and yields UTF-8.
pub struct DecodingReader<R> {
    inner: R,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    eof: bool,
    decoder: Option<(Decoder, &'static str)>,
    bom: bool,
    started: bool,
    /// Bytes of the file consumed so far (also read by the progress bar).
    consumed: Arc<AtomicU64>,
    consumed_local: u64,
    newlines: u64,
    out: Vec<u8>,
    out_pos: usize,
}

impl<R: Read> DecodingReader<R> {
    pub fn new(inner: R) -> Self {
        DecodingReader {
            inner,
            raw: vec![0; 256 * 1024],
            raw_start: 0,
            raw_end: 0,
            eof: false,
            decoder: None,
            bom: false,
            started: false,
            consumed: Arc::new(AtomicU64::new(0)),
            consumed_local: 0,
            newlines: 0,
            out: Vec::with_capacity(512 * 1024),
            out_pos: 0,
        }
    }

    pub fn progress_handle(&self) -> Arc<AtomicU64> {
        self.consumed.clone()
    }

    /// The encoding decided so far: "UTF-8 (BOM)", "UTF-8", "GB18030", or "ASCII" when no
    /// non-ASCII byte has been seen (yet).
    pub fn encoding_label(&self) -> &'static str {
        match (&self.decoder, self.bom) {
            (_, true) => "UTF-8 (BOM)",
            (Some((_, label)), false) => label,
            (None, false) => "ASCII",
        }
    }

    fn fill_raw(&mut self, min_available: usize) -> io::Result<()> {
        while !self.eof && self.raw_end - self.raw_start < min_available {
            if self.raw_start > 0 {
                self.raw.copy_within(self.raw_start..self.raw_end, 0);
                self.raw_end -= self.raw_start;
                self.raw_start = 0;
            }
            if self.raw_end == self.raw.len() {
                break;
            }
            let n = self.inner.read(&mut self.raw[self.raw_end..])?;
            if n == 0 {
                self.eof = true;
            }
            self.raw_end += n;
        }
        Ok(())
    }

    fn consume_raw(&mut self, n: usize) {
        let chunk = &self.raw[self.raw_start..self.raw_start + n];
        self.newlines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        self.raw_start += n;
        self.consumed_local += n as u64;
        self.consumed.store(self.consumed_local, Ordering::Relaxed);
    }

    fn choose(&mut self, window: &[u8]) {
        let valid = match std::str::from_utf8(window) {
            Ok(_) => window.len(),
            // A window that ends inside a character is still UTF-8 if all before it is.
            Err(e) if e.error_len().is_none() => window.len(),
            Err(e) => e.valid_up_to(),
        };
        // Some GBK character pairs are also valid UTF-8 by chance, so one is not proof; three
        // in a row (or the whole window) are.
        let multibyte_chars = window[..valid]
            .iter()
            .filter(|&&b| b & 0xC0 == 0xC0)
            .count();
        let utf8 = valid == window.len() || multibyte_chars >= 3;
        let (enc, label): (&'static Encoding, &'static str) = if utf8 {
            (UTF_8, "UTF-8")
        } else {
            (GB18030, "GB18030")
        };
        self.decoder = Some((enc.new_decoder_without_bom_handling(), label));
    }

    /// Produces the next piece of output into `self.out`; returns false at end of input.
    fn produce(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.out_pos = 0;
        if !self.started {
            self.started = true;
            self.fill_raw(3)?;
            if self.raw[self.raw_start..self.raw_end].starts_with(b"\xEF\xBB\xBF") {
                self.bom = true;
                self.consume_raw(3);
                self.decoder = Some((UTF_8.new_decoder_without_bom_handling(), "UTF-8"));
            }
        }
        self.fill_raw(SNIFF_WINDOW)?;
        if self.raw_start == self.raw_end {
            return Ok(false);
        }
        if self.decoder.is_none() {
            // Pass ASCII through until the first byte that is not.
            let avail = &self.raw[self.raw_start..self.raw_end];
            match avail.iter().position(|b| !b.is_ascii()) {
                None => {
                    self.out.extend_from_slice(avail);
                    let n = avail.len();
                    self.consume_raw(n);
                    return Ok(true);
                }
                Some(0) => {
                    let end = self.raw_end.min(self.raw_start + SNIFF_WINDOW);
                    let window = self.raw[self.raw_start..end].to_vec();
                    self.choose(&window);
                }
                Some(p) => {
                    self.out.extend_from_slice(&avail[..p]);
                    self.consume_raw(p);
                    return Ok(true);
                }
            }
        }
        let (decoder, label) = self.decoder.as_mut().expect("chosen above");
        let label = *label;
        let src = &self.raw[self.raw_start..self.raw_end];
        self.out.resize(src.len() * 3 + 16, 0);
        let last = self.eof;
        let (result, read, written) =
            decoder.decode_to_utf8_without_replacement(src, &mut self.out, last);
        self.out.truncate(written);
        match result {
            DecoderResult::InputEmpty | DecoderResult::OutputFull => {
                self.consume_raw(read);
                if read == 0 && written == 0 && last {
                    return Ok(false);
                }
                Ok(true)
            }
            DecoderResult::Malformed(bad, extra) => {
                let bad_end = read - extra as usize;
                let bad_start = bad_end.saturating_sub(bad as usize);
                let bytes = src[bad_start..bad_end].to_vec();
                self.consume_raw(bad_start);
                let err = DecodeError {
                    encoding: label,
                    line: self.newlines + 1,
                    byte_offset: self.consumed_local,
                    bytes,
                };
                Err(io::Error::new(io::ErrorKind::InvalidData, err))
            }
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos == self.out.len() {
            if !self.produce()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// Finds a decoding error inside an I/O error, if that is what it is.
pub fn as_decode_error(e: &io::Error) -> Option<&DecodeError> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<DecodeError>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (Result<String, io::Error>, &'static str) {
        let mut r = DecodingReader::new(bytes);
        let mut s = String::new();
        let res = r.read_to_string(&mut s).map(|_| s);
        (res, r.encoding_label())
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let text = "id_number,name\n11010519491231002X,张伟\n";
        let (res, label) = decode(text.as_bytes());
        assert_eq!(res.unwrap(), text);
        assert_eq!(label, "UTF-8");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let (res, label) = decode(&bom);
        assert_eq!(res.unwrap(), text);
        assert_eq!(label, "UTF-8 (BOM)");
    }

    #[test]
    fn gbk_is_detected_and_decoded() {
        let text = "姓名,村代码\n张伟,500233101203\n王芳,500233101203\n";
        let (gbk, _, _) = GB18030.encode(text);
        let (res, label) = decode(&gbk);
        assert_eq!(res.unwrap(), text);
        assert_eq!(label, "GB18030");
    }

    #[test]
    fn bad_bytes_report_line_and_offset() {
        let mut bytes = "a,b\n张三李四,c\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"x,\xFF\xFE\n");
        let (res, _) = decode(&bytes);
        let err = res.unwrap_err();
        let d = as_decode_error(&err).expect("a decode error");
        assert_eq!(d.line, 3);
        assert_eq!(d.byte_offset, 21);
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn long_ascii_prefix_then_gbk() {
        let mut text = String::new();
        for i in 0..50_000 {
            text.push_str(&format!("{i},abc\n"));
        }
        text.push_str("1,中文\n");
        let (gbk, _, _) = GB18030.encode(&text);
        let (res, label) = decode(&gbk);
        assert_eq!(res.unwrap(), text);
        assert_eq!(label, "GB18030");
    }
}
