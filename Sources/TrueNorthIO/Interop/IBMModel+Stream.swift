import Foundation
import TrueNorth

/// The fast reader of the IBM toolchain's `model.json`: one pass over the bytes with a
/// `JSONPullReader`, each `core` section built as it is read, no JSON tree of the file
/// (docs/benchmarks.md, "2026-11-30, issue 16: IBM and RANC model files").
///
/// It reads the shapes NSCS, pytruenorth and tnsim write: the `model` and `neuronTypes` sections
/// (small) as trees, read by the tree reader's own functions; then each `core` with plain integers
/// and crossbar rows of space-separated two-digit hex bytes. A core in any other shape (keys out of
/// order, `1.0`, escapes, other spacing) is read as a tree of that core alone by `parseCore`. It
/// never words an error: on anything wrong it returns nil, and `parseKeepingOutputBus` then reads
/// the whole file as a tree (`parseTree`), whose errors name file, line, path and field. So both
/// ways accept the same files with equal models and output buses, and refuse the same files with
/// the same error (Tests/TrueNorthTests/IBMModelStreamTests.swift compares them on mutated files).
extension IBMModelFile {
  static let sectionKeys = JSONPullReader.Keys(["model", "neuronTypes", "core"])
  static let coreKeys = JSONPullReader.Keys(["id", "rngSeed", "timeScaleExponent", "neurons", "crossbar"])
  static let neuronKeys = JSONPullReader.Keys(["type", "dendrite", "destCore", "destAxon", "delay"])
  static let rowKeys = JSONPullReader.Keys(["type", "synapses"])
  static let crossbarKeys = JSONPullReader.Keys(["rows"])

  /// The model and its output bus, or nil when the file is not valid or not in a shape this reader
  /// takes (then `parseTree` reads it and words the error).
  static func parseStreaming(_ bytes: UnsafeBufferPointer<UInt8>, file: String, chip: ChipDefinition, chipReference: String?)
    -> (model: Model, outputBus: IBMOutputBus)?
  {
    JSONPullReader.read(bytes) { r in
      guard r.consume(UInt8(ascii: "{")), !r.consume(UInt8(ascii: "}")) else { return nil }
      var header: JSONCursor?
      var types: NeuronTypes?
      var lookup = TypeLookup()
      var model = Model(chip: chip, chipReference: chipReference ?? chip.name, seed: 1)
      var places = CorePlaces()
      var bus = IBMOutputBus()
      while true {
        guard let key = r.key(in: sectionKeys) else { return nil }
        if key == 2 {
          // The neuron types decide each neuron, so they must come first; else the slow way.
          guard let types else { return nil }
          _ = r.peek()
          let start = r.mark
          let line = r.line
          if let read = parseCoreStreaming(&r, model: model, types: types, lookup: &lookup) {
            guard places.lineOfID.updateValue(line, forKey: read.id) == nil else { return nil }
            for (j, p) in read.pins { bus[core: read.id, neuron: j] = p }
            model.cores.append(read.core)
          } else {
            // Another shape (or an error): this core alone as a tree, read the general way.
            r.rewind(to: start)
            guard let node = r.node(depth: 1),
              let read = try? parseCore(JSONCursor(node, file: file, path: "core[\(model.cores.count)]"), model: model,
                types: types, places: &places, outputBus: &bus)
            else { return nil }
            model.cores.append(read.0)
          }
        } else {
          guard let node = r.node(depth: 1) else { return nil }
          let section = JSONCursor(node, file: file, path: key == 0 ? "model" : "neuronTypes")
          if key == 0 {
            guard header == nil else { return nil }
            header = section
          } else {
            guard types == nil, let t = try? NeuronTypes(section, chip: chip) else { return nil }
            types = t
            lookup = TypeLookup(t)
          }
        }
        guard let more = r.separator(close: UInt8(ascii: "}")) else { return nil }
        if !more { break }
      }
      guard r.atEnd(), let header, types != nil, let seed = try? parseHeader(header, coreCount: model.cores.count, chip: chip)
      else { return nil }
      model.seed = seed
      // A value the chip cannot hold: the tree reader names the neuron type that sets it.
      guard model.violations().isEmpty else { return nil }
      return (model, bus)
    }
  }

  /// The neuron types by name, looked up from a name's bytes: most neurons have the type of the
  /// neuron before them, which is compared byte by byte; any other name is made a string.
  struct TypeLookup {
    var index: [String: Int] = [:]
    var names: [[UInt8]] = []
    var last = -1

    init() {}

    init(_ types: NeuronTypes) {
      index = types.index
      names = [[UInt8]](repeating: [], count: types.neurons.count)
      for (name, k) in types.index { names[k] = Array(name.utf8) }
    }

    /// The type index of the name `bytes`, or nil when no type has it.
    @inline(__always)
    mutating func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
      if last >= 0, names[last].count == bytes.count, names[last].withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) {
        return last
      }
      guard let k = index[String(decoding: bytes, as: UTF8.self)] else { return nil }
      last = k
      return k
    }
  }

  /// One `core` section in the usual shape (`id` before `neurons`); nil for any other shape or a
  /// value not allowed. The core is not checked against the other cores (a duplicate id).
  /// - Returns: the core, its id, and the neurons that send to a pin with their output-bus core.
  static func parseCoreStreaming(_ r: inout JSONPullReader, model: Model, types: NeuronTypes, lookup: inout TypeLookup)
    -> (core: CoreConfig, id: Int, pins: [(Int, Int32)])?
  {
    let chip = model.chip
    guard chip.neuronsPerCore == 256, chip.axonsPerCore == 256 else { return nil }
    var id: Int?
    var seed: Int64?
    var core = model.emptyCore(x: 0, y: 0)
    var pins: [(Int, Int32)] = []
    let seen = r.members(in: coreKeys) { r, key in
      switch key {
      case 0:
        guard let v = r.integer(), v >= 0, v < Int64(chip.coreCount) else { return false }
        id = Int(v)
        (core.x, core.y) = chip.coordinates(ofCore: Int(v))
        return true
      case 1:
        seed = r.integer()
        return seed != nil
      case 2:
        return r.integer() == 0
      case 3:
        return id != nil && parseNeuronsStreaming(&r, into: &core, chip: chip, types: types, lookup: &lookup, pins: &pins)
      default:
        return parseCrossbarStreaming(&r, into: &core, chip: chip)
      }
    }
    // id, neurons and crossbar are required.
    guard let id, let seen, seen & 0b11001 == 0b11001 else { return nil }
    if let seed {
      let v = UInt64(bitPattern: seed)
      core.seed = v == UInt64(id) ? nil : v
    }
    return (core, id, pins)
  }

  /// The `neurons` of a core: exactly one per neuron of the core, each with its type and destination.
  static func parseNeuronsStreaming(
    _ r: inout JSONPullReader, into core: inout CoreConfig, chip: ChipDefinition, types: NeuronTypes, lookup: inout TypeLookup,
    pins: inout [(Int, Int32)]
  ) -> Bool {
    var j = 0
    let read = r.elements { r in
      guard j < core.neurons.count else { return false }
      var type: Int?
      var destCore: Int64?, destAxon: Int64?, delay: Int64?
      let read = r.members(in: neuronKeys) { r, key in
        if key == 0 {
          return r.plainString(taking: { bytes in
            type = lookup.find(bytes)
            return type != nil
          })
        }
        guard let v = r.integer(), v >= Int64(Int32.min), v <= Int64(Int32.max) else { return false }
        switch key {
        case 1: break  // dendrite: read and ignored
        case 2: destCore = v
        case 3: destAxon = v
        default: delay = v
        }
        return true
      }
      guard read != nil, let type, let destCore, let destAxon else { return false }
      var neuron = types.neurons[type]
      if destCore < 0 {
        guard destAxon >= -1, destAxon < Int64(chip.axonsPerCore), (delay ?? 0) >= 0 else { return false }
        if destAxon >= 0 {
          neuron.destination = .pin(Int32(destAxon))
          pins.append((j, Int32(destCore)))
        } else {
          neuron.destination = .none
        }
      } else {
        guard destCore < Int64(chip.coreCount), destAxon >= 0, destAxon < Int64(chip.axonsPerCore), let delay,
          delay >= Int64(chip.delayRange.lowerBound), delay <= Int64(chip.delayRange.upperBound)
        else { return false }
        let (tx, ty) = chip.coordinates(ofCore: Int(destCore))
        neuron.destination = .axon(dx: Int32(tx - core.x), dy: Int32(ty - core.y), axon: Int32(destAxon), delay: Int32(delay))
      }
      core.neurons[j] = neuron
      j += 1
      return true
    }
    return read && j == core.neurons.count
  }

  /// The `crossbar` of a 256 x 256 core: `{"rows": [...]}`, one row per axon, each an axon type
  /// `S0`... and 32 two-digit hex bytes separated by single spaces.
  static func parseCrossbarStreaming(_ r: inout JSONPullReader, into core: inout CoreConfig, chip: ChipDefinition) -> Bool {
    guard r.consume(UInt8(ascii: "{")), r.key(in: crossbarKeys) == 0 else { return false }
    var i = 0
    let read = r.elements { r in
      guard i < core.crossbar.axons else { return false }
      let seen = r.members(in: rowKeys) { r, key in
        if key == 0 {
          var type: UInt8 = 0
          guard r.plainString(taking: { bytes in
            guard bytes.count == 2, bytes[0] == UInt8(ascii: "S") else { return false }
            type = bytes[1] &- 0x30
            return type < 10 && Int(type) < chip.axonTypes
          }) else { return false }
          core.axonTypes[i] = type
        } else {
          var row = SIMD4<UInt64>.zero
          guard r.string(ofLength: 95, { bytes in
            guard let words = hexByteRow(bytes) else { return false }
            row = words
            return true
          }) else { return false }
          core.crossbar.setRow(i, row)
        }
        return true
      }
      guard seen == 0b11 else { return false }
      i += 1
      return true
    }
    return read && i == core.crossbar.axons && r.consume(UInt8(ascii: "}"))
  }

  /// A row of 256 synapses as IBM writes it: 32 two-digit hex bytes separated by single spaces
  /// (95 bytes), byte k bit 7 - b = neuron 8k + b; nil for anything else.
  static func hexByteRow(_ text: UnsafeBufferPointer<UInt8>) -> SIMD4<UInt64>? {
    guard text.count == 95 else { return nil }
    // The table of tnsim's own rows: a hex digit's value with its 4 bits reversed, >= 16 for
    // anything that is not a hex digit.
    return Model.hexDigitTable.withUnsafeBufferPointer { table -> SIMD4<UInt64>? in
      var words = SIMD4<UInt64>.zero
      var invalid: UInt8 = 0
      var spaces = true
      for k in 0..<32 {
        let hi = table[Int(text[3 * k])], lo = table[Int(text[3 * k + 1])]
        invalid |= hi | lo
        if k < 31 { spaces = spaces && text[3 * k + 2] == 0x20 }
        let shift = UInt64((k & 7) * 8)
        words[k >> 3] |= (UInt64(hi) | UInt64(lo) << 4) << shift
      }
      return invalid < 16 && spaces ? words : nil
    }
  }
}
