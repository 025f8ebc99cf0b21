import Foundation

/// Everything needed to continue a training run exactly: options, network, optimiser state,
/// epochs done and their records.
///
/// File format (little-endian): the 8 bytes `TNTEACK1`; a UInt32 length and that many bytes of
/// JSON (options, topology, axon types, weight tables, epochs, history); the Float32 arrays of
/// every core (connections, leaks), then the optimiser's first and second moments in the same
/// order; finally the SHA-256 of everything before it. Floats are stored bit for bit, so a
/// resumed run continues with exactly the same state.
public struct Checkpoint: Sendable, Equatable {
  /// The options of the run.
  public var options: TrainingOptions
  /// The network after `epochsDone` epochs.
  public var network: ShadowNetwork
  /// The optimiser's state.
  public var optimizer: Optimizer
  /// Epochs completed.
  public var epochsDone: Int
  /// One record per completed epoch.
  public var history: [EpochRecord]
  /// Wall time spent so far.
  public var elapsedSeconds: Double

  /// Creates a checkpoint from its parts.
  public init(options: TrainingOptions, network: ShadowNetwork, optimizer: Optimizer, epochsDone: Int, history: [EpochRecord], elapsedSeconds: Double) {
    self.options = options
    self.network = network
    self.optimizer = optimizer
    self.epochsDone = epochsDone
    self.history = history
    self.elapsedSeconds = elapsedSeconds
  }

  static let magic = Array("TNTEACK1".utf8)

  struct Header: Codable {
    var options: TrainingOptions
    var topology: Topology
    var axonTypes: [[UInt8]]
    var weights: [[Int8]]
    var optimizerKind: OptimizerKind
    var momentum: Float
    var optimizerSteps: Int
    var epochsDone: Int
    var history: [EpochRecord]
    var elapsedSeconds: Double
  }

  /// The checkpoint's bytes.
  public func encoded() throws(TeaLearningError) -> [UInt8] {
    let header = Header(
      options: options, topology: network.topology, axonTypes: network.cores.map(\.axonTypes), weights: network.cores.map(\.weights),
      optimizerKind: optimizer.kind, momentum: optimizer.momentum, optimizerSteps: optimizer.steps, epochsDone: epochsDone,
      history: history, elapsedSeconds: elapsedSeconds)
    let json: Data
    do { json = try JSONEncoder().encode(header) } catch { throw TeaLearningError(file: "checkpoint", message: "cannot encode: \(error)") }
    var out = Self.magic
    let n = UInt32(json.count)
    for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt32(k)))) }
    out += [UInt8](json)
    func put(_ a: [Float]) {
      for v in a {
        let b = v.bitPattern
        out += [UInt8(truncatingIfNeeded: b), UInt8(truncatingIfNeeded: b >> 8), UInt8(truncatingIfNeeded: b >> 16), UInt8(truncatingIfNeeded: b >> 24)]
      }
    }
    for c in network.cores {
      put(c.connections)
      put(c.leaks)
    }
    for state in [optimizer.first, optimizer.second] {
      for c in state.cores {
        put(c.connections)
        put(c.leaks)
      }
    }
    out += SHA256.hash(out)
    return out
  }

  /// Parses checkpoint bytes.
  /// - Throws: `TeaLearningError` naming `file` when the file is not a checkpoint, is truncated,
  ///   or its digest does not match.
  public static func decode(_ bytes: [UInt8], file: String) throws(TeaLearningError) -> Checkpoint {
    guard bytes.count >= 12 + 32, Array(bytes[0..<8]) == magic else {
      throw TeaLearningError(file: file, field: "magic", message: "not a tnsim training checkpoint (expected TNTEACK1)")
    }
    let body = bytes[0..<(bytes.count - 32)]
    guard SHA256.hash(body) == Array(bytes[(bytes.count - 32)...]) else {
      throw TeaLearningError(file: file, field: "SHA-256", message: "does not match: the checkpoint is truncated or corrupt; start without --resume")
    }
    var n = 0
    for k in 0..<4 { n |= Int(bytes[8 + k]) << (8 * k) }
    guard 12 + n <= body.count else { throw TeaLearningError(file: file, field: "header", message: "length \(n) exceeds the file") }
    let header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: Data(bytes[12..<(12 + n)]))
    } catch let e as DecodingError {
      throw TeaLearningError(decoding: e, file: file)
    } catch {
      throw TeaLearningError(file: file, field: "header", message: "\(error)")
    }
    try header.topology.validate(file: file)
    var at = 12 + n
    var failed = false
    func take(_ count: Int) -> [Float] {
      guard at + 4 * count <= body.count else {
        failed = true
        return [Float](repeating: 0, count: count)
      }
      var a = [Float](repeating: 0, count: count)
      for i in 0..<count {
        let p = at + 4 * i
        a[i] = Float(bitPattern: UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)
      }
      at += 4 * count
      return a
    }
    let shapes = header.topology.cores
    guard header.axonTypes.count == shapes.count, header.weights.count == shapes.count else {
      throw TeaLearningError(file: file, field: "header", message: "core count does not match the topology")
    }
    var cores: [CoreParameters] = []
    for (k, s) in shapes.enumerated() {
      guard header.axonTypes[k].count == s.axons, header.weights[k].count == 4 * s.neurons else {
        throw TeaLearningError(file: file, field: "cores[\(k)]", message: "tables do not match the topology")
      }
      let c = take(s.axons * s.neurons)
      let b = take(s.neurons)
      cores.append(CoreParameters(axons: s.axons, neurons: s.neurons, axonTypes: header.axonTypes[k], weights: header.weights[k], connections: c, leaks: b))
    }
    let network = ShadowNetwork(topology: header.topology, cores: cores)
    var optimizer = Optimizer(kind: header.optimizerKind, momentum: header.momentum, network: network)
    optimizer.steps = header.optimizerSteps
    for m in 0..<2 {
      for k in shapes.indices {
        let c = take(shapes[k].axons * shapes[k].neurons)
        let b = take(shapes[k].neurons)
        if m == 0 { optimizer.first.cores[k] = CoreGradient(connections: c, leaks: b) } else { optimizer.second.cores[k] = CoreGradient(connections: c, leaks: b) }
      }
    }
    guard !failed, at == body.count else {
      throw TeaLearningError(file: file, field: "parameters", message: "the file size does not match the topology")
    }
    return Checkpoint(
      options: header.options, network: network, optimizer: optimizer, epochsDone: header.epochsDone, history: header.history,
      elapsedSeconds: header.elapsedSeconds)
  }

  /// Writes the checkpoint atomically (a temporary file renamed over `path`).
  public func write(to path: String) throws(TeaLearningError) {
    try writeAtomically(try encoded(), to: path)
  }

  /// Reads a checkpoint file.
  public static func read(from path: String) throws(TeaLearningError) -> Checkpoint {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TeaLearningError(file: path, message: "cannot read the checkpoint (missing?); train without --resume to start afresh")
    }
    return try decode([UInt8](data), file: path)
  }
}

/// Writes `bytes` to a temporary file next to `path` and renames it over `path`, so readers never
/// see a half-written file.
func writeAtomically(_ bytes: [UInt8], to path: String) throws(TeaLearningError) {
  let url = URL(fileURLWithPath: path)
  let dir = url.deletingLastPathComponent()
  let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
  do {
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try Data(bytes).write(to: tmp)
    if rename(tmp.path, url.path) != 0 {
      let e = errno
      try? FileManager.default.removeItem(at: tmp)
      throw TeaLearningError(file: path, message: "cannot write: \(String(cString: strerror(e)))")
    }
  } catch let e as TeaLearningError {
    throw e
  } catch {
    throw TeaLearningError(file: path, message: "cannot write: \(error.localizedDescription)")
  }
}
