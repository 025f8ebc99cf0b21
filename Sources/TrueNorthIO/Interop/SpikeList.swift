import TrueNorth
/// Spikes held in memory, sorted by tick, served through `SpikeSource`; each record keeps the
/// place in its file it came from, so that a later error (a spike to an unconfigured core) can
/// name it. The readers of the IBM and RANC formats produce these.
public struct SpikeList<Record: SpikeRecord>: SpikeFileSource {
  /// The file the spikes came from.
  public let path: String
  /// The records in tick order (stable: records of one tick keep their file order).
  public let records: [Record]
  /// Where record k came from: a line, or a description such as `record 12 at byte 80`; made
  /// only when asked for (an error message), so that a reader of many records can keep them compact.
  let location: (Int) -> (line: Int?, path: String?)
  var position = 0

  /// Sorts `records` stably by tick, keeping each one's location.
  public init(path: String, records: [Record], locations: [(line: Int?, path: String?)]) {
    self.path = path
    // Usually in order already: then kept as they are (a plain loop; this generic code is not
    // specialised for its callers, and zip's tuples would cost a metadata lookup per record).
    var inOrder = true
    for i in records.indices.dropFirst() where records[i - 1].tick > records[i].tick {
      inOrder = false
      break
    }
    if inOrder {
      self.records = records
      location = { locations.indices.contains($0) ? locations[$0] : (nil, nil) }
      return
    }
    var order = Array(records.indices)
    order.sort { (records[$0].tick, $0) < (records[$1].tick, $1) }
    self.records = order.map { records[$0] }
    let sorted = order.map { locations.indices.contains($0) ? locations[$0] : (nil, nil) }
    location = { sorted[$0] }
  }

  /// Records already in tick order, with `location(k)` the place of record k.
  init(path: String, sortedRecords: [Record], location: @escaping (Int) -> (line: Int?, path: String?)) {
    self.path = path
    records = sortedRecords
    self.location = location
  }

  /// Where every record came from, in order (for tests).
  var locations: [(line: Int?, path: String?)] { records.indices.map(location) }

  /// Where the last record served came from.
  public var lastLocation: (line: Int?, path: String?) {
    position > 0 ? location(position - 1) : (nil, nil)
  }

  /// The next record in tick order, or nil at the end.
  public mutating func nextRecord() throws(InputError) -> Record? {
    guard position < records.count else { return nil }
    position += 1
    return records[position - 1]
  }
}
