import Foundation
import TrueNorth

/// The fast reader of tnsim's model file: one pass over the bytes with a `JSONPullReader`, each
/// core built as it is read, no JSON tree of the file (docs/benchmarks.md, "Model load").
///
/// It reads the shapes tnsim writes (column form, hex crossbar rows); a core in any other shape
/// (list form, `synapses`, escapes, numbers with fractions) is read as a tree of that core alone
/// by `parseCore`. It never words an error: on anything wrong it returns nil, and `parse` then
/// reads the whole file the slow way (`parseTree`), whose errors name file, line, path and field.
/// So both ways accept the same files with equal models and refuse the same files with the same
/// error (Tests/TrueNorthTests/ModelFileStreamTests.swift compares them on mutated files).
extension Model {
  static let topLevelKeys: Set<String> = ["format", "version", "chip", "seed", "cores", "description"]
  static let coreKeys: Set<String> = ["x", "y", "seed", "axonTypes", "crossbar", "synapses", "neurons"]

  /// The model and its cores' lines, or nil when the file is not valid or not in a shape this
  /// reader takes (then `parseTree` reads it and words the error).
  static func parseStreaming(_ bytes: UnsafeBufferPointer<UInt8>, file: String, chip override: ChipDefinition?)
    -> (Model, coreLines: [Int])?
  {
    JSONPullReader.read(bytes) { r in
      guard r.consume(UInt8(ascii: "{")) else { return nil }
      var seen = Set<String>()
      var chip: ChipDefinition?
      var reference = ""
      var seed: UInt64 = 1
      var cores: [CoreConfig] = []
      var lines: [Int] = []
      if r.consume(UInt8(ascii: "}")) { return nil }  // no "format": the slow way says so
      while true {
        guard let key = r.key(), topLevelKeys.contains(key), seen.insert(key).inserted else { return nil }
        if key == "cores" {
          // The chip decides the core's size, so it must come first; else the slow way.
          guard let chip, seen.contains("format"), seen.contains("version") else { return nil }
          guard parseCores(&r, file: file, chip: chip, into: &cores, lines: &lines) else { return nil }
        } else {
          guard let node = r.node(depth: 1) else { return nil }
          let value = JSONCursor(node, file: file, path: key)
          switch key {
          case "format":
            guard (try? value.string()) == "tnsim-model" else { return nil }
          case "version":
            guard (try? value.int(in: 1...1)) != nil else { return nil }
          case "chip":
            guard let name = try? value.string() else { return nil }
            reference = name
            if let override {
              chip = override
            } else {
              let directory = URL(fileURLWithPath: file).deletingLastPathComponent().path
              guard let resolved = try? ChipDefinition.resolve(name, relativeTo: directory) else { return nil }
              chip = resolved
            }
          case "seed":
            guard let s = try? value.int64() else { return nil }
            seed = UInt64(bitPattern: s)
          default:
            break  // description: free text, any value
          }
        }
        guard let more = r.separator(close: UInt8(ascii: "}")) else { return nil }
        if !more { break }
      }
      guard r.atEnd(), let chip, seen.contains("cores") else { return nil }
      var model = Model(chip: chip, chipReference: reference, seed: seed)
      model.cores = cores
      return (model, lines)
    }
  }

  /// The `cores` array; false when anything in it is wrong.
  static func parseCores(
    _ r: inout JSONPullReader, file: String, chip: ChipDefinition, into cores: inout [CoreConfig], lines: inout [Int]
  ) -> Bool {
    guard r.consume(UInt8(ascii: "[")) else { return false }
    if r.consume(UInt8(ascii: "]")) { return true }
    while true {
      _ = r.peek()
      let start = r.mark
      lines.append(r.line)
      if let core = parseCoreStreaming(&r, chip: chip) {
        cores.append(core)
      } else {
        // Another shape (or an error): this core alone as a tree, read the general way.
        r.rewind(to: start)
        guard let node = r.node(depth: 2),
          let core = try? parseCore(JSONCursor(node, file: file, path: "cores[\(cores.count)]"), chip: chip)
        else { return false }
        cores.append(core)
      }
      guard let more = r.separator(close: UInt8(ascii: "]")) else { return false }
      if !more { break }
    }
    return true
  }

  /// One core in the shape tnsim writes; nil for any other shape or value not allowed.
  static func parseCoreStreaming(_ r: inout JSONPullReader, chip: ChipDefinition) -> CoreConfig? {
    guard chip.neuronsPerCore == 256, r.consume(UInt8(ascii: "{")) else { return nil }
    var core = CoreConfig(x: 0, y: 0, axons: chip.axonsPerCore, neurons: chip.neuronsPerCore)
    var seen = Set<String>()
    if r.consume(UInt8(ascii: "}")) { return nil }
    while true {
      guard let key = r.key(), coreKeys.contains(key), seen.insert(key).inserted else { return nil }
      switch key {
      case "x", "y":
        guard let v = r.integer(), let v = Int(exactly: v), let _ = Int32(exactly: v) else { return nil }
        if key == "x" { core.x = v } else { core.y = v }
      case "seed":
        guard let s = r.integer() else { return nil }
        core.seed = UInt64(bitPattern: s)
      case "axonTypes":
        if r.consume(UInt8(ascii: "[")) {
          var types: [UInt8] = []
          types.reserveCapacity(chip.axonsPerCore)
          while true {
            guard let t = r.integer(), let t = UInt8(exactly: t) else { return nil }
            types.append(t)
            guard let more = r.separator(close: UInt8(ascii: "]")) else { return nil }
            if !more { break }
          }
          guard types.count == chip.axonsPerCore else { return nil }
          core.axonTypes = types
        } else {
          guard let t = r.integer(), let t = UInt8(exactly: t) else { return nil }
          core.axonTypes = [UInt8](repeating: t, count: chip.axonsPerCore)
        }
      case "crossbar":
        guard r.consume(UInt8(ascii: "[")) else { return nil }
        var i = 0
        while true {
          var row = SIMD4<UInt64>.zero
          guard i < chip.axonsPerCore,
            r.string(ofLength: 64, { bytes in
              guard let words = plainHexRow(bytes) else { return false }
              row = words
              return true
            })
          else { return nil }
          core.crossbar.setRow(i, row)
          i += 1
          guard let more = r.separator(close: UInt8(ascii: "]")) else { return nil }
          if !more { break }
        }
        guard i == chip.axonsPerCore else { return nil }
      case "neurons":
        guard parseNeuronColumnsStreaming(&r, into: &core.neurons) else { return nil }
      default:
        return nil  // synapses: the general way
      }
      guard let more = r.separator(close: UInt8(ascii: "}")) else { return nil }
      if !more { break }
    }
    guard seen.contains("x"), seen.contains("y") else { return nil }
    return core
  }

  /// The column form of a core's neurons; false for any other shape or value not allowed.
  static func parseNeuronColumnsStreaming(_ r: inout JSONPullReader, into neurons: inout [Neuron]) -> Bool {
    guard r.consume(UInt8(ascii: "{")) else { return false }
    if r.consume(UInt8(ascii: "}")) { return true }
    var seen = Set<NeuronField>()
    while true {
      guard let name = r.key(), let field = NeuronField(rawValue: name), seen.insert(field).inserted else { return false }
      let perNeuron: Bool
      switch field {
      case .destination: perNeuron = true
      case .weights, .stochasticSynapses:
        // One value is itself an array of 4; per neuron it is an array of such arrays.
        let mark = r.mark
        perNeuron = r.consume(UInt8(ascii: "[")) && r.peek() == UInt8(ascii: "[")
        r.rewind(to: mark)
      default:
        perNeuron = r.peek() == UInt8(ascii: "[")
      }
      if perNeuron {
        guard r.consume(UInt8(ascii: "[")) else { return false }
        var j = 0
        while true {
          guard j < neurons.count, readField(field, &r, into: &neurons[j]) else { return false }
          j += 1
          guard let more = r.separator(close: UInt8(ascii: "]")) else { return false }
          if !more { break }
        }
        guard j == neurons.count else { return false }
      } else {
        guard !neurons.isEmpty, readField(field, &r, into: &neurons[0]) else { return false }
        let first = neurons[0]
        for j in 1..<neurons.count { copyField(field, from: first, to: &neurons[j]) }
      }
      guard let more = r.separator(close: UInt8(ascii: "}")) else { return false }
      if !more { break }
    }
    return true
  }

  /// One value of a neuron field in its plain form; false for anything else or a value not allowed.
  @inline(__always)
  static func readField(_ field: NeuronField, _ r: inout JSONPullReader, into neuron: inout Neuron) -> Bool {
    switch field {
    case .weights:
      guard let w = readFour(&r) else { return false }
      neuron.weights = w
    case .stochasticSynapses:
      guard r.consume(UInt8(ascii: "[")) else { return false }
      var mask: UInt8 = 0
      for g in 0..<4 {
        guard g == 0 || r.consume(UInt8(ascii: ",")), let b = r.boolean() else { return false }
        if b { mask |= 1 << UInt8(g) }
      }
      guard r.consume(UInt8(ascii: "]")) else { return false }
      neuron.stochasticSynapses = mask
    case .stochasticLeak, .leakReversal, .kappa:
      guard let b = r.boolean() else { return false }
      switch field {
      case .stochasticLeak: neuron.stochasticLeak = b
      case .leakReversal: neuron.leakReversal = b
      default: neuron.kappa = b
      }
    case .destination:
      if r.null() {
        neuron.destination = .none
      } else if r.peek() == UInt8(ascii: "[") {
        guard let d = readFour(&r) else { return false }
        neuron.destination = .axon(dx: d[0], dy: d[1], axon: d[2], delay: d[3])
      } else {
        guard r.consume(UInt8(ascii: "{")), r.key() == "pin", let p = r.integer(), let pin = Int32(exactly: p),
          pin >= 0, r.consume(UInt8(ascii: "}"))
        else { return false }
        neuron.destination = .pin(pin)
      }
    default:
      guard let v = r.integer() else { return false }
      return setIntegerField(field, v, &neuron)
    }
    return true
  }

  /// `[a, b, c, d]`, four plain integers of 32 bits.
  @inline(__always)
  static func readFour(_ r: inout JSONPullReader) -> SIMD4<Int32>? {
    guard r.consume(UInt8(ascii: "[")) else { return nil }
    var v = SIMD4<Int32>.zero
    for k in 0..<4 {
      guard k == 0 || r.consume(UInt8(ascii: ",")), let x = r.integer(), let x = Int32(exactly: x) else { return nil }
      v[k] = x
    }
    return r.consume(UInt8(ascii: "]")) ? v : nil
  }
}
