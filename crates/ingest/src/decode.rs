//! Turning an agency's bytes into UTF-8 text without ever guessing silently wrong.
//!
//! Government systems export UTF-8 (with or without BOM) or GB18030/GBK. The encoding is decided
//! at the first non-ASCII bytes: if they form valid UTF-8 the file is UTF-8, otherwise GB18030
//! (a superset of GBK). Afterwards every byte must decode; the first that does not stops the
//! file with its line and byte offset.

use encoding_rs::{Decoder, DecoderResult, Encoding, GB18030, UTF_8};
use std::collections::VecDeque;
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
    /// Line breaks in the raw bytes consumed so far (for decoding errors).
    raw_breaks: u64,
    raw_pending_cr: bool,
    out: Vec<u8>,
    out_pos: usize,
    /// The line breaks of the decoded text, for telling a record's line from its byte offset.
    lines: LineBreaks,
}

/// Where lines begin in the decoded text, counted the way a person counts them in an editor:
/// `\n`, `\r\n` and a lone `\r` each end a line. The CSV reader's own line counter lags by one
/// after every `\r\n` (rust-csv issue #395), and Excel on Windows writes nothing else.
///
/// Breaks are kept only until the records before them have been read, so memory stays at what
/// the reader buffers, however long the file.
#[derive(Debug, Default)]
pub struct LineBreaks {
    /// (offset where the terminator starts, offset after it), in order.
    breaks: VecDeque<(u64, u64)>,
    /// Decoded bytes scanned so far.
    scanned: u64,
    /// A `\r` at the end of the last piece, whose line break is known only at the next byte.
    pending_cr: Option<u64>,
    /// Lines passed by the records asked about so far (line of the last record, minus one).
    passed: u64,
}

impl LineBreaks {
    fn scan(&mut self, text: &[u8]) {
        for (i, &b) in text.iter().enumerate() {
            let at = self.scanned + i as u64;
            if let Some(cr) = self.pending_cr.take() {
                if b == b'\n' {
                    self.breaks.push_back((cr, at + 1));
                    continue;
                }
                self.breaks.push_back((cr, cr + 1));
            }
            match b {
                b'\n' => self.breaks.push_back((at, at + 1)),
                b'\r' => self.pending_cr = Some(at),
                _ => {}
            }
        }
        self.scanned += text.len() as u64;
    }

    fn finish(&mut self) {
        if let Some(cr) = self.pending_cr.take() {
            self.breaks.push_back((cr, cr + 1));
        }
    }

    /// The 1-based line of a record that the CSV reader says starts at `byte`. The reader may
    /// place a record's start on the line break that ended the one before, or before blank lines
    /// it skips, so breaks that run on from `byte` without any text between count as passed.
    /// Offsets must be asked about in increasing order.
    pub fn line_of(&mut self, byte: u64) -> u64 {
        let mut frontier = byte;
        while let Some(&(start, end)) = self.breaks.front() {
            if start <= frontier {
                frontier = frontier.max(end);
                self.passed += 1;
                self.breaks.pop_front();
            } else {
                break;
            }
        }
        self.passed + 1
    }
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
            raw_breaks: 0,
            raw_pending_cr: false,
            out: Vec::with_capacity(512 * 1024),
            out_pos: 0,
            lines: LineBreaks::default(),
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

    /// The 1-based line of the record starting at `byte` of the decoded text (see `LineBreaks`).
    pub fn line_of(&mut self, byte: u64) -> u64 {
        self.lines.line_of(byte)
    }

    fn consume_raw(&mut self, n: usize) {
        let chunk = &self.raw[self.raw_start..self.raw_start + n];
        // CR and LF never occur inside a multi-byte UTF-8 or GB18030 character, so the raw bytes
        // can be counted before decoding.
        for &b in chunk {
            if self.raw_pending_cr && b != b'\n' {
                self.raw_breaks += 1;
            }
            self.raw_pending_cr = false;
            match b {
                b'\n' => self.raw_breaks += 1,
                b'\r' => self.raw_pending_cr = true,
                _ => {}
            }
        }
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
                    line: self.raw_breaks + u64::from(self.raw_pending_cr) + 1,
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
                self.lines.finish();
                return Ok(0);
            }
            self.lines.scan(&self.out);
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
    fn lines_are_counted_as_an_editor_counts_them() {
        // Offsets of "b" in each text: after LF, CRLF, lone CR, and a blank CRLF line.
        for (text, at, line) in [
            ("a\nb\n", 2, 2),
            ("a\r\nb\r\n", 3, 2),
            ("a\rb\r", 2, 2),
            ("a\r\n\r\nb", 5, 3),
        ] {
            let mut l = LineBreaks::default();
            l.scan(text.as_bytes());
            l.finish();
            assert_eq!(l.line_of(0), 1, "{text:?}");
            // Asked at the break before "b" (where a CSV reader may put the record) or at "b".
            let mut l2 = LineBreaks::default();
            l2.scan(text.as_bytes());
            l2.finish();
            assert_eq!(l2.line_of(at - 1), line, "{text:?} at the break");
            assert_eq!(l.line_of(at), line, "{text:?}");
        }
    }

    #[test]
    fn a_crlf_split_between_two_pieces_is_one_break() {
        let mut l = LineBreaks::default();
        l.scan(b"a\r");
        l.scan(b"\nb\r\nc");
        l.finish();
        assert_eq!(l.line_of(3), 2);
        assert_eq!(l.line_of(6), 3);
    }

    #[test]
    fn bad_bytes_after_lone_carriage_returns_name_their_line() {
        let mut bytes = b"a,b\rc,d\r".to_vec();
        bytes.extend_from_slice(b"x,\xFF\r");
        let (res, _) = decode(&bytes);
        let err = res.unwrap_err();
        assert_eq!(as_decode_error(&err).unwrap().line, 3);
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
