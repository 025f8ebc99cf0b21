import Foundation

/// The lines of a text file read in 1 MiB chunks, so that memory does not grow with the file:
/// the streamed readers of `.sfti` and RANC `output.txt`. Each byte is looked at once when
/// searching for newlines (a line across chunks is not rescanned), and a line longer than
/// `maxLineBytes` is refused, naming it, instead of being gathered whole.
struct TextLines {
  let path: String
  let handle: FileHandle
  /// The longest line allowed, newline excluded.
  let maxLineBytes: Int
  /// What the format's lines are, for the error about a longer one.
  let lineDescription: String
  var buffer: [UInt8] = []
  /// Where the next line starts in `buffer`, and how far newlines have been searched.
  var start = 0
  var scanned = 0
  var eof = false
  /// The 1-based number of the last line returned.
  private(set) var line = 0
  /// Bytes asked of the file per read (tests make it small to put lines across reads).
  var readSize = 1 << 20

  /// Opens `path`.
  /// - Throws: `InputError` when the file cannot be read.
  init(path: String, maxLineBytes: Int, lineDescription: String) throws(InputError) {
    guard let h = FileHandle(forReadingAtPath: path) else { _ = try readFile(path); throw InputError(file: path, message: "cannot be read") }
    self.path = path
    handle = h
    self.maxLineBytes = maxLineBytes
    self.lineDescription = lineDescription
  }

  /// The next line without its newline (valid until the next call), or nil at the end.
  /// - Throws: `InputError` for a line longer than `maxLineBytes`.
  mutating func next() throws(InputError) -> ArraySlice<UInt8>? {
    while true {
      if let nl = buffer[scanned...].firstIndex(of: 0x0A) {
        let text = buffer[start..<nl]
        start = nl + 1
        scanned = start
        line += 1
        return text
      }
      scanned = buffer.count
      if buffer.count - start > maxLineBytes {
        throw InputError(file: path, line: line + 1,
          message: "the line is longer than \(maxLineBytes) bytes (\(lineDescription)); is this the right file?")
      }
      if eof {
        guard start < buffer.count else { return nil }
        let text = buffer[start...]
        start = buffer.count
        scanned = start
        line += 1
        return text
      }
      if start > 0 {
        buffer.removeFirst(start)
        scanned -= start
        start = 0
      }
      if let d = try? handle.read(upToCount: readSize), !d.isEmpty { buffer += d } else { eof = true }
    }
  }
}

/// The second pass of a streamed reader: a file is checked whole first (every record, the same
/// errors as reading it into memory, before any spike is served) and read again to serve its
/// records when their ticks never decrease.
extension SpikeFileSource {
  /// Reads every remaining record, checking it; true when the ticks never decrease.
  func checkedInTickOrder() throws(InputError) -> Bool {
    var s = self
    var last = Int64.min
    var sorted = true
    while let r = try s.nextRecord() {
      if r.tick < last { sorted = false }
      last = r.tick
    }
    return sorted
  }

  /// Every remaining record with its location, sorted stably by tick (for files whose ticks
  /// decrease, which the IBM and RANC formats allow).
  func sortedList() throws(InputError) -> SpikeList<Record> {
    var s = self
    var records: [Record] = []
    var locations: [(line: Int?, path: String?)] = []
    while let r = try s.nextRecord() {
      records.append(r)
      locations.append(s.lastLocation)
    }
    return SpikeList(path: path, records: records, locations: locations)
  }
}
