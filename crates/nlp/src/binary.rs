//! The little-endian building blocks of every model file: `u32`, `u16`, strings with a
//! `u16` byte length, and the 8-byte magic that names a file's kind. Shared so each
//! model (and the actor dictionary) reads and writes them one way.

use std::io::{self, Read, Write};

pub fn write_u32(out: &mut impl Write, v: u32) -> io::Result<()> {
    out.write_all(&v.to_le_bytes())
}

pub fn write_str(out: &mut impl Write, s: &str) -> io::Result<()> {
    out.write_all(&(s.len() as u16).to_le_bytes())?;
    out.write_all(s.as_bytes())
}

pub fn read_u32(r: &mut &[u8]) -> io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

pub fn read_u16(r: &mut &[u8]) -> io::Result<u16> {
    let mut b = [0u8; 2];
    r.read_exact(&mut b)?;
    Ok(u16::from_le_bytes(b))
}

pub fn read_str(r: &mut &[u8]) -> io::Result<String> {
    let len = read_u16(r)? as usize;
    let mut b = vec![0u8; len];
    r.read_exact(&mut b)?;
    String::from_utf8(b).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// A list of strings: its length, then each string.
pub fn write_strs(out: &mut impl Write, strings: &[String]) -> io::Result<()> {
    write_u32(out, strings.len() as u32)?;
    for s in strings {
        write_str(out, s)?;
    }
    Ok(())
}

/// What [`write_strs`] wrote.
pub fn read_strs(r: &mut &[u8]) -> io::Result<Vec<String>> {
    let n = read_u32(r)? as usize;
    (0..n).map(|_| read_str(r)).collect()
}

/// A word → `u16` map, sorted by word so the same map gives the same bytes.
pub fn write_u16_map<S: std::hash::BuildHasher>(
    out: &mut impl Write,
    map: &std::collections::HashMap<String, u16, S>,
) -> io::Result<()> {
    let mut entries: Vec<(&String, &u16)> = map.iter().collect();
    entries.sort();
    write_u32(out, entries.len() as u32)?;
    for (word, value) in entries {
        write_str(out, word)?;
        out.write_all(&value.to_le_bytes())?;
    }
    Ok(())
}

/// What [`write_u16_map`] wrote, as `(word, value)` pairs in file order.
pub fn read_u16_map(r: &mut &[u8]) -> io::Result<Vec<(String, u16)>> {
    let n = read_u32(r)? as usize;
    (0..n).map(|_| Ok((read_str(r)?, read_u16(r)?))).collect()
}

/// The magic bytes at the start of a model file, checked on load.
pub fn check_magic(r: &mut &[u8], magic: &[u8; 8], what: &str) -> Result<(), String> {
    let mut found = [0u8; 8];
    r.read_exact(&mut found)
        .map_err(|_| format!("not a dateline {what} model (too short)"))?;
    if &found != magic {
        return Err(format!("not a dateline {what} model (bad magic)"));
    }
    Ok(())
}
