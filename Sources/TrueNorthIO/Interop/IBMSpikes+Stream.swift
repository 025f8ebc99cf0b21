import Foundation
import TrueNorth

/// The binary IBM spike files (`.sfri` RAWI3, `.sfro` RAWO6; `.sfti` text in `TextStream`) read
/// streamed: records are read in 1 MiB chunks and served one at a time, so memory does not grow
/// with the file.
///
/// Readers must serve spikes in tick order and the formats do not require it, so the file is
/// read twice: a first pass checks every record (the same checks and errors, before any spike is
/// served, as the in-memory readers) and whether the ticks never decrease; a file whose ticks
/// do decrease is read whole and sorted (`readInput`/`readOutput`), as before.
struct IBMBinaryStream<Record: SpikeRecord>: SpikeFileSource {
  let path: String
  let handle: FileHandle
  let size: Int
  let decode: (_ bytes: [UInt8], _ at: Int, _ record: Int, _ offset: Int) throws(InputError) -> Record
  var buffer: [UInt8] = []
  var offset = 0
  /// Records served so far, and the byte offset of the next one in the file.
  var served = 0
  var fileOffset: Int

  /// Opens `path` at its first record (`start`), for records of `size` bytes.
  init(path: String, start: Int, size: Int, decode: @escaping (_ bytes: [UInt8], _ at: Int, _ record: Int, _ offset: Int) throws(InputError) -> Record)
    throws(InputError)
  {
    guard let h = FileHandle(forReadingAtPath: path) else { throw InputError(file: path, message: "cannot be read") }
    do { try h.seek(toOffset: UInt64(start)) } catch { throw InputError(file: path, message: "cannot be read: \(error.localizedDescription)") }
    self.path = path
    handle = h
    self.size = size
    self.decode = decode
    fileOffset = start
  }

  var lastLocation: (line: Int?, path: String?) {
    served > 0 ? (nil, "record \(served) at byte offset \(fileOffset - size)") : (nil, nil)
  }

  mutating func nextRecord() throws(InputError) -> Record? {
    if buffer.count - offset < size {
      buffer.removeFirst(offset)
      offset = 0
      let want = max(size, (1 << 20) / size * size)
      while buffer.count < want, let d = try? handle.read(upToCount: want - buffer.count), !d.isEmpty { buffer += d }
      guard buffer.count >= size else { return nil }
    }
    let r = try decode(buffer, offset, served + 1, fileOffset)
    offset += size
    served += 1
    fileOffset += size
    return r
  }
}

extension IBMSpikeFile {
  /// The header of a binary file read from its first 64 KiB, the offset of its first record, and
  /// the file's size (a size that is not whole records is refused as the in-memory reader does).
  static func streamHeader(path: String, encoding: String, size: Int) throws(InputError) -> (JSONCursor, start: Int) {
    guard let h = FileHandle(forReadingAtPath: path) else { _ = try readFile(path); throw InputError(file: path, message: "cannot be read") }
    defer { try? h.close() }
    let head = [UInt8]((try? h.read(upToCount: 65536)) ?? Data())
    let (header, start) = try binaryHeader(head, path: path, encoding: encoding)
    let length = Int((try? h.seekToEnd()) ?? 0)
    let remainder = (length - start) % size
    guard remainder == 0 else {
      let k = (length - start) / size
      throw InputError(file: path, path: "record \(k + 1)", message: "truncated: \(remainder) of \(size) bytes at byte offset \(start + k * size)")
    }
    return (header, start)
  }

  /// `.sfti` or `.sfri` input spikes in tick order, streamed when its ticks are in order.
  /// - Throws: what `readInput(path:)` throws.
  public static func openInput(path: String) throws(InputError) -> any SpikeFileSource<InputSpike> {
    guard FileManager.default.isReadableFile(atPath: path) else { return try readInput(path: path) }
    let kind = try detect(path: path)
    if kind == .textInput {
      guard try TextStream(path: path).checkedInTickOrder() else { return try readInput(path: path) }
      return try TextStream(path: path)
    }
    guard kind == .binaryInput else { return try readInput(path: path) }
    let (header, start) = try streamHeader(path: path, encoding: "RAWI3", size: 12)
    let delay = Int64(try header.optional("defaultDestinationDelay")?.int(in: 0...15) ?? 1)
    let make = { () throws(InputError) in
      try IBMBinaryStream<InputSpike>(path: path, start: start, size: 12) { b, o, k, at throws(InputError) in
        try decodeInput(b, o, record: k, offset: at, delay: delay, path: path)
      }
    }
    return try make().checkedInTickOrder() ? try make() : try readInput(path: path)
  }

  /// RAWO6 output spikes in tick order, streamed when its ticks are in order.
  /// - Throws: what `readOutput(path:)` throws.
  public static func openOutput(path: String) throws(InputError) -> any SpikeFileSource<OutputSpike> {
    let (header, start) = try streamHeader(path: path, encoding: "RAWO6", size: 24)
    let layout = try isTnsimLayout(header)
    let make = { () throws(InputError) in
      try IBMBinaryStream<OutputSpike>(path: path, start: start, size: 24) { b, o, k, at throws(InputError) in
        try decodeOutput(b, o, record: k, offset: at, tnsimLayout: layout, path: path)
      }
    }
    return try make().checkedInTickOrder() ? try make() : try readOutput(path: path)
  }
}
