import Foundation

/// Everything needed to continue a training run exactly: options, network, optimiser state,
/// epochs done and their records.
///
/// File format (little-endian): the 8 bytes `TNTEACK1`; a UInt32 length and that many bytes of
/// JSON (options, topology, axon types, weight tables, epochs, history); the Float32 arrays of
/// every core (connections, leaks), then the optimiser's first and second moments in the same
/// order; finally the SHA-256 of everything before it. Floats are stored bit for bit, so a
/// resumed run continues with exactly the same state.
///
/// When a plug-in keeps state between steps (a pruning mask, gradient-dropping residuals), the
/// file starts `TNTEACK2` instead, the JSON also has `pluginStates` (one entry per plug-in in
/// order, null for one without state: its name, integers and array lengths), and the plug-ins'
/// Float32 arrays follow the moments, in that order. A run without such a plug-in writes exactly
/// the `TNTEACK1` file; both are read.
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
  /// The plug-ins' states (`TrainingPlugin.checkpointState`), one per plug-in in order, nil for
  /// a plug-in without state; empty when no plug-in has any.
  public var pluginStates: [PluginState?]

  /// Creates a checkpoint from its parts.
  public init(
    options: TrainingOptions, network: ShadowNetwork, optimizer: Optimizer, epochsDone: Int, history: [EpochRecord], elapsedSeconds: Double,
    pluginStates: [PluginState?] = []
  ) {
    self.options = options
    self.network = network
    self.optimizer = optimizer
    self.epochsDone = epochsDone
    self.history = history
    self.elapsedSeconds = elapsedSeconds
    self.pluginStates = pluginStates
  }

  static let magic = Array("TNTEACK1".utf8)
  /// The magic of a checkpoint that holds plug-in states.
  static let magicWithPluginStates = Array("TNTEACK2".utf8)

  /// A plug-in state in the header: its arrays' lengths; the floats follow the moments.
  struct PluginStateHeader: Codable {
    var name: String
    var integers: [Int]
    var lengths: [Int]
  }

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
    /// Absent from `TNTEACK1` files.
    var pluginStates: [PluginStateHeader?]? = nil
  }

  /// The checkpoint's bytes.
  /// - Throws: `InputError` when a value of the header cannot be written (a NaN in the history).
  public func encoded() throws(InputError) -> [UInt8] {
    let header = Header(
      options: options, topology: network.topology, axonTypes: network.cores.map(\.axonTypes), weights: network.cores.map(\.weights),
      optimizerKind: optimizer.kind, momentum: optimizer.momentum, optimizerSteps: optimizer.steps, epochsDone: epochsDone,
      history: history, elapsedSeconds: elapsedSeconds,
      pluginStates: pluginStates.isEmpty
        ? nil : pluginStates.map { $0.map { PluginStateHeader(name: $0.name, integers: $0.integers, lengths: $0.arrays.map(\.count)) } })
    let json = try encodeJSON(header, file: "checkpoint")
    var out = pluginStates.isEmpty ? Self.magic : Self.magicWithPluginStates
    let n = UInt32(json.count)
    for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt32(k)))) }
    out += json
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
    for state in pluginStates {
      for a in state?.arrays ?? [] { put(a) }
    }
    out += SHA256.hash(out)
    return out
  }

  /// Parses checkpoint bytes.
  /// - Throws: `InputError` naming `file` when the file is not a checkpoint, is truncated,
  ///   its digest does not match, or its header is not valid JSON (line and column) or does not
  ///   fit the parameters.
  public static func decode(_ bytes: [UInt8], file: String) throws(InputError) -> Checkpoint {
    guard bytes.count >= 12 + 32, [magic, magicWithPluginStates].contains(Array(bytes[0..<8])) else {
      throw InputError(file: file, path: "magic", message: "not a tnsim training checkpoint (expected TNTEACK1 or TNTEACK2)")
    }
    let withStates = Array(bytes[0..<8]) == magicWithPluginStates
    let body = bytes[0..<(bytes.count - 32)]
    guard SHA256.hash(body) == Array(bytes[(bytes.count - 32)...]) else {
      throw InputError(file: file, path: "SHA-256", message: "does not match: the checkpoint is truncated or corrupt; start a fresh run instead of resuming")
    }
    var n = 0
    for k in 0..<4 { n |= Int(bytes[8 + k]) << (8 * k) }
    guard 12 + n <= body.count else { throw InputError(file: file, path: "header", message: "length \(n) exceeds the file") }
    let header = try decodeJSON(Header.self, from: Array(bytes[12..<(12 + n)]), file: file)
    try header.topology.validate(file: file)
    var reader = FloatReader(bytes: body, at: 12 + n)
    let network = try header.network(reading: &reader, file: file)
    var optimizer = Optimizer(kind: header.optimizerKind, momentum: header.momentum, network: network)
    optimizer.steps = header.optimizerSteps
    let shapes = header.topology.cores
    for m in 0..<2 {
      for k in shapes.indices {
        let moment = CoreGradient(connections: reader.take(shapes[k].axons * shapes[k].neurons), leaks: reader.take(shapes[k].neurons))
        if m == 0 { optimizer.first.cores[k] = moment } else { optimizer.second.cores[k] = moment }
      }
    }
    let pluginStates = try readPluginStates(header.pluginStates, withStates: withStates, reader: &reader, file: file)
    guard !reader.failed, reader.at == body.count else {
      throw InputError(file: file, path: "parameters", message: "the file size does not match the topology")
    }
    try checkValues(network: network, optimizer: optimizer, header: header, file: file)
    return Checkpoint(
      options: header.options, network: network, optimizer: optimizer, epochsDone: header.epochsDone, history: header.history,
      elapsedSeconds: header.elapsedSeconds, pluginStates: pluginStates)
  }

  /// The plug-in states the header lists, their arrays read from `reader`.
  /// - Throws: `InputError` naming `file` when a `TNTEACK2` file lists none, a `TNTEACK1` file
  ///   lists some, or a length is negative or runs past the end of the file.
  static func readPluginStates(_ headers: [PluginStateHeader?]?, withStates: Bool, reader: inout FloatReader, file: String) throws(InputError)
    -> [PluginState?]
  {
    guard withStates == (headers != nil && !headers!.isEmpty) else {
      throw InputError(
        file: file, path: "pluginStates",
        message: withStates ? "missing: a TNTEACK2 checkpoint holds plug-in states" : "a TNTEACK1 checkpoint holds no plug-in states")
    }
    var states: [PluginState?] = []
    for (i, h) in (headers ?? []).enumerated() {
      guard let h else {
        states.append(nil)
        continue
      }
      var arrays: [[Float]] = []
      for (j, n) in h.lengths.enumerated() {
        // Checked before reading, so that a corrupt length cannot allocate beyond the file.
        guard n >= 0, n <= (reader.bytes.endIndex - reader.at) / 4 else {
          throw InputError(file: file, path: "pluginStates[\(i)].lengths[\(j)]", message: "is \(n); the file has fewer values left")
        }
        arrays.append(reader.take(n))
      }
      states.append(PluginState(name: h.name, integers: h.integers, arrays: arrays))
    }
    return states
  }

  /// Refuses parameters and optimiser state a run cannot continue from: connections outside
  /// [0, 1], leaks outside the chip's range, a NaN or infinite moment, negative counters.
  /// - Throws: `InputError` naming `file` and the first value that is wrong.
  static func checkValues(network: ShadowNetwork, optimizer: Optimizer, header: Header, file: String) throws(InputError) {
    guard header.epochsDone >= 0, header.optimizerSteps >= 0, header.elapsedSeconds.isFinite, header.momentum.isFinite else {
      throw InputError(file: file, path: "header", message: "epochsDone, optimizerSteps, elapsedSeconds or momentum is negative, NaN or infinite")
    }
    for (k, c) in network.cores.enumerated() {
      if let j = c.connections.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
        throw InputError(file: file, path: "cores[\(k)].connections[\(j)]", message: "is \(c.connections[j]); allowed: 0...1")
      }
      if let j = c.leaks.firstIndex(where: { !ShadowNetwork.leakRange.contains($0) }) {
        throw InputError(file: file, path: "cores[\(k)].leaks[\(j)]", message: "is \(c.leaks[j]); allowed: -255...255")
      }
    }
    for (name, state) in [("first moment", optimizer.first), ("second moment", optimizer.second)] {
      for (k, c) in state.cores.enumerated() where !(c.connections.allSatisfy(\.isFinite) && c.leaks.allSatisfy(\.isFinite)) {
        throw InputError(file: file, path: "optimizer.cores[\(k)]", message: "the \(name) holds a NaN or infinite value")
      }
    }
  }

  /// Little-endian Float32 arrays read one after another from the checkpoint's body.
  struct FloatReader {
    let bytes: ArraySlice<UInt8>
    /// The next byte to read.
    var at: Int
    /// Set when a read ran past the end (it then returns zeros).
    var failed = false

    mutating func take(_ count: Int) -> [Float] {
      guard at + 4 * count <= bytes.endIndex else {
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
  }

  /// Writes the checkpoint atomically (a temporary file renamed over `path`).
  /// - Throws: `InputError` naming `path` when it cannot be written.
  public func write(to path: String) throws(InputError) {
    try writeFileAtomically(try encoded(), to: path)
  }

  /// Reads a checkpoint file.
  /// - Throws: `InputError` naming `path` when it cannot be read or is not a valid checkpoint.
  public static func read(from path: String) throws(InputError) -> Checkpoint {
    let bytes: [UInt8]
    do { bytes = try readFile(path) } catch { throw InputError(file: path, message: "\(error.message); start a fresh run instead of resuming") }
    return try decode(bytes, file: path)
  }
}

extension Checkpoint.Header {
  /// The network the header describes, its parameters read from `reader`.
  /// - Throws: `InputError` naming `file` when the tables do not fit the topology.
  func network(reading reader: inout Checkpoint.FloatReader, file: String) throws(InputError) -> ShadowNetwork {
    let shapes = topology.cores
    guard axonTypes.count == shapes.count, weights.count == shapes.count else {
      throw InputError(file: file, path: "header", message: "core count does not match the topology")
    }
    var cores: [CoreParameters] = []
    for (k, s) in shapes.enumerated() {
      guard axonTypes[k].count == s.axons, weights[k].count == 4 * s.neurons else {
        throw InputError(file: file, path: "cores[\(k)]", message: "tables do not match the topology")
      }
      if let j = axonTypes[k].firstIndex(where: { $0 > 3 }) {
        throw InputError(file: file, path: "axonTypes[\(k)][\(j)]", message: "is \(axonTypes[k][j]); allowed: 0...3")
      }
      let c = reader.take(s.axons * s.neurons)
      let b = reader.take(s.neurons)
      cores.append(CoreParameters(axons: s.axons, neurons: s.neurons, axonTypes: axonTypes[k], weights: weights[k], connections: c, leaks: b))
    }
    return ShadowNetwork(topology: topology, cores: cores)
  }
}
