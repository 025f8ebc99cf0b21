import Foundation
import TrueNorth

/// The fast reader of RANC's `input.json`: one pass over the bytes with a `JSONPullReader`, each
/// core built as it is read and each packet kept as a few integers, no JSON tree of the file
/// (docs/benchmarks.md, "2026-11-30, issue 16: IBM and RANC model files").
///
/// The sections may come in any order, so what depends on the whole file (the cores listed, the
/// output bus) is settled at the end: neurons keep their destination offsets until then, and
/// packets their place in the file. A value in another shape than plain integers (`1.0`,
/// escapes) makes it return nil, as does anything wrong: `parse(input:...)` and `readPackets`
/// then read the whole file as a tree (`parseTree`, `readPacketsTree`), whose errors name file,
/// line, path and field. So both ways accept the same files with equal models and packets, and
/// refuse the same files with the same error (Tests/TrueNorthTests/RANCModelStreamTests.swift).
extension RANCModelFiles {
  static let rootKeys = JSONPullReader.Keys(["packets", "output_bus", "cores"])
  static let busKeys = JSONPullReader.Keys(["coordinates", "num_outputs"])
  static let coreKeyList = JSONPullReader.Keys(["coordinates", "axons", "connections", "neurons"])
  static let neuronKeyList = JSONPullReader.Keys([
    "current_potential", "reset_potential", "weights", "leak", "positive_threshold", "negative_threshold",
    "reset_mode", "destination_core_offset", "destination_axon", "destination_tick",
  ])
  static let packetKeys = JSONPullReader.Keys(["destination_core", "destination_axon", "destination_tick"])

  /// The grid and limits packets are checked against: the config's, or without one the chip's.
  struct PacketBounds {
    var width: Int, height: Int, axons: Int, maxTick: Int

    init(config: Config?, chip: ChipDefinition) {
      width = config?.width ?? chip.width
      height = config?.height ?? chip.height
      axons = config?.axons ?? chip.axonsPerCore
      maxTick = (config?.maxTickOffset ?? 16) - 1
    }
  }

  /// A packet as read: where it is in the file, and its fields (checked against the bounds).
  struct Packet {
    var step: Int32, index: Int32, line: Int32
    var x: Int32, y: Int32, axon: Int32, delay: Int32
  }

  /// A neuron's destination as read, settled when the whole file is known.
  struct Offset {
    var dx: Int32, dy: Int32, axon: Int32, tick: Int32
  }

  /// The model and its packets, or nil when the file is not valid or not in a shape this reader
  /// takes (then `parseTree` reads it and words the error).
  static func parseStreaming(_ bytes: UnsafeBufferPointer<UInt8>, file: String, config: Config, chip: ChipDefinition,
    chipReference: String?) -> (Model, SpikeList<InputSpike>)?
  {
    JSONPullReader.read(bytes) { r in
      let bounds = PacketBounds(config: config, chip: chip)
      var packets: [Packet] = []
      var bus: (x: Int, y: Int, outputs: Int)?
      var model = Model(chip: chip, chipReference: chipReference ?? chip.name)
      var offsets: [[Offset]] = []
      var rules: [RANCNeuronRule.RANC: RANCNeuronRule.TNSim] = [:]
      let seen = r.members(in: rootKeys) { r, key in
        switch key {
        case 0:
          return parsePacketsStreaming(&r, bounds: bounds, into: &packets)
        case 1:
          bus = parseBusStreaming(&r, config: config, chip: chip)
          return bus != nil
        default:
          return r.elements { r in
            guard let read = parseCoreStreaming(&r, model: model, config: config, rules: &rules) else { return false }
            model.cores.append(read.core)
            offsets.append(read.offsets)
            return true
          }
        }
      }
      guard r.atEnd(), seen == 0b111, let bus else { return nil }
      // The cores listed, none on the bus slot or twice; then the destinations.
      var listed = Set<Int>()
      for core in model.cores {
        guard !(core.x == bus.x && core.y == bus.y), listed.insert(core.y * config.width + core.x).inserted else { return nil }
      }
      for k in model.cores.indices {
        let (x, y) = (model.cores[k].x, model.cores[k].y)
        for (j, o) in offsets[k].enumerated() {
          guard let d = destination(o, x: x, y: y, bus: bus, config: config, listed: listed) else { return nil }
          model.cores[k].neurons[j].destination = d
        }
      }
      guard model.violations().isEmpty else { return nil }
      return (model, spikeList(packets, file: file, bounds: bounds, width: config.width, listed: listed, chip: chip))
    }
  }

  /// The packets of an `input.json` without its config (`readPackets`), or nil as `parseStreaming`.
  static func readPacketsStreaming(_ bytes: UnsafeBufferPointer<UInt8>, file: String, chip: ChipDefinition)
    -> SpikeList<InputSpike>?
  {
    JSONPullReader.read(bytes) { r in
      guard r.consume(UInt8(ascii: "{")), !r.consume(UInt8(ascii: "}")) else { return nil }
      let bounds = PacketBounds(config: nil, chip: chip)
      var seen: UInt8 = 0
      var packets: [Packet] = []
      var listed = Set<Int>()
      while true {
        // Only packets and the cores' coordinates count: any other key is read and left.
        let mark = r.mark
        let key = r.key(in: rootKeys)
        if key == nil {
          guard r.key() != nil else { r.rewind(to: mark); return nil }
        }
        switch key {
        case 0?:
          guard seen & 1 == 0, parsePacketsStreaming(&r, bounds: bounds, into: &packets) else { return nil }
          seen |= 1
        case 2?:
          guard seen & 4 == 0, parseListedStreaming(&r, width: chip.width, into: &listed) else { return nil }
          seen |= 4
        default:
          guard r.node(depth: 1) != nil else { return nil }
        }
        guard let more = r.separator(close: UInt8(ascii: "}")) else { return nil }
        if !more { break }
      }
      guard r.atEnd(), seen & 1 == 1 else { return nil }
      return spikeList(packets, file: file, bounds: bounds, width: chip.width, listed: listed, chip: chip)
    }
  }

  /// The packets kept (to a listed core, not dropped by the last destination tick) as input
  /// spikes in tick order, each with its place `packets[t][k]` and line, made when asked for.
  static func spikeList(_ packets: [Packet], file: String, bounds: PacketBounds, width: Int, listed: Set<Int>, chip: ChipDefinition)
    -> SpikeList<InputSpike>
  {
    var kept = packets.filter { p in p.delay != Int32(bounds.maxTick) && listed.contains(Int(p.y) * width + Int(p.x)) }
    var records = kept.map { p in
      InputSpike(tick: Int64(p.step) + Int64(p.delay), core: Int32(chip.coreID(x: Int(p.x), y: Int(p.y))), axon: p.axon)
    }
    if !zip(records, records.dropFirst()).allSatisfy({ $0.tick <= $1.tick }) {
      let order = records.indices.sorted { (records[$0].tick, $0) < (records[$1].tick, $1) }
      records = order.map { records[$0] }
      kept = order.map { kept[$0] }
    }
    return SpikeList(path: file, sortedRecords: records) { [kept] k in
      (Int(kept[k].line), "packets[\(kept[k].step)][\(kept[k].index)]")
    }
  }

  /// The `packets` array: one array of packets per step.
  static func parsePacketsStreaming(_ r: inout JSONPullReader, bounds: PacketBounds, into packets: inout [Packet]) -> Bool {
    var step: Int32 = 0
    return r.elements { r in
      var index: Int32 = 0
      let read = r.elements { r in
        _ = r.peek()
        var p = Packet(step: step, index: index, line: Int32(truncatingIfNeeded: r.line), x: 0, y: 0, axon: 0, delay: 0)
        let seen = r.members(in: packetKeys) { r, key in
          switch key {
          case 0:
            guard let place = pair(&r), (0..<bounds.width).contains(Int(place.0)), (0..<bounds.height).contains(Int(place.1))
            else { return false }
            (p.x, p.y) = place
          case 1:
            guard let a = r.integer(), a >= 0, a < Int64(bounds.axons) else { return false }
            p.axon = Int32(a)
          default:
            guard let d = r.integer(), d >= 0, d <= Int64(bounds.maxTick) else { return false }
            p.delay = Int32(d)
          }
          return true
        }
        guard seen == 0b111 else { return false }
        packets.append(p)
        index += 1
        return true
      }
      step += 1
      return read
    }
  }

  /// `[a, b]`, two plain integers of 32 bits.
  @inline(__always)
  static func pair(_ r: inout JSONPullReader) -> (Int32, Int32)? {
    guard r.consume(UInt8(ascii: "[")), let a = r.integer(), let a = Int32(exactly: a), r.consume(UInt8(ascii: ",")),
      let b = r.integer(), let b = Int32(exactly: b), r.consume(UInt8(ascii: "]"))
    else { return nil }
    return (a, b)
  }

  /// The `output_bus` object: its slot on the config's grid and its outputs.
  static func parseBusStreaming(_ r: inout JSONPullReader, config: Config, chip: ChipDefinition) -> (x: Int, y: Int, outputs: Int)? {
    var place: (Int32, Int32)?
    var outputs: Int64?
    let read = r.members(in: busKeys) { r, key in
      if key == 0 {
        place = pair(&r)
        return place != nil
      }
      outputs = r.integer()
      return outputs != nil
    }
    guard read != nil, let place, let outputs, (0..<config.width).contains(Int(place.0)), (0..<config.height).contains(Int(place.1)),
      outputs >= 0, outputs <= Int64(chip.outputPins)
    else { return nil }
    return (Int(place.0), Int(place.1), Int(outputs))
  }

  /// The cores' coordinates only (`readPackets`): each core an object with `coordinates` once.
  static func parseListedStreaming(_ r: inout JSONPullReader, width: Int, into listed: inout Set<Int>) -> Bool {
    r.elements { r in
      guard r.consume(UInt8(ascii: "{")) else { return false }
      var place: (Int32, Int32)?
      if !r.consume(UInt8(ascii: "}")) {
        while true {
          let mark = r.mark
          if r.key(in: coreKeyList) == 0 {
            guard place == nil, let p = pair(&r) else { return false }
            place = p
          } else {
            r.rewind(to: mark)
            guard r.key() != nil, r.node(depth: 3) != nil else { return false }
          }
          guard let more = r.separator(close: UInt8(ascii: "}")) else { return false }
          if !more { break }
        }
      }
      guard let place else { return false }
      listed.insert(Int(place.1) * width + Int(place.0))
      return true
    }
  }

  /// One core: coordinates on the config's grid, axon types, connections and neurons, with each
  /// neuron's destination as read.
  static func parseCoreStreaming(_ r: inout JSONPullReader, model: Model, config: Config,
    rules: inout [RANCNeuronRule.RANC: RANCNeuronRule.TNSim]) -> (core: CoreConfig, offsets: [Offset])?
  {
    var core = model.emptyCore(x: 0, y: 0)
    var offsets: [Offset] = []
    let seen = r.members(in: coreKeyList) { r, key in
      switch key {
      case 0:
        guard let place = pair(&r), (0..<config.width).contains(Int(place.0)), (0..<config.height).contains(Int(place.1))
        else { return false }
        (core.x, core.y) = (Int(place.0), Int(place.1))
        return true
      case 1:
        var i = 0
        return r.elements { r in
          guard i < config.axons, let t = r.integer(), t >= 0, t < Int64(config.weights) else { return false }
          core.axonTypes[i] = UInt8(t)
          i += 1
          return true
        }
      case 2:
        return parseConnectionsStreaming(&r, into: &core, config: config)
      default:
        return r.elements { r in
          guard offsets.count < config.neurons,
            let o = parseNeuronStreaming(&r, into: &core.neurons[offsets.count], config: config, rules: &rules)
          else { return false }
          offsets.append(o)
          return true
        }
      }
    }
    return seen == 0b1111 ? (core, offsets) : nil
  }

  /// `connections`: per neuron, the synapse bits of its axons (0 or 1) up to the last it uses.
  static func parseConnectionsStreaming(_ r: inout JSONPullReader, into core: inout CoreConfig, config: Config) -> Bool {
    var j = 0
    return r.elements { r in
      guard j < config.neurons else { return false }
      var i = 0
      let read = r.elements { r in
        guard i < config.axons, let b = r.integer(), b == 0 || b == 1 else { return false }
        if b == 1 { core.crossbar[i, j] = true }
        i += 1
        return true
      }
      j += 1
      return read
    }
  }

  /// One neuron: its parameters into `neuron` (beta, gamma and kappa matched to RANC's rule,
  /// once per distinct rule) and its destination as read.
  static func parseNeuronStreaming(_ r: inout JSONPullReader, into neuron: inout Neuron, config: Config,
    rules: inout [RANCNeuronRule.RANC: RANCNeuronRule.TNSim]) -> Offset?
  {
    var values = SIMD16<Int32>()  // by key; no array to allocate per neuron
    var offset = Offset(dx: 0, dy: 0, axon: 0, tick: 0)
    let seen = r.members(in: neuronKeyList) { r, key in
      switch key {
      case 2:
        guard r.consume(UInt8(ascii: "[")) else { return false }
        for g in 0..<config.weights {
          guard g == 0 || r.consume(UInt8(ascii: ",")), let w = r.integer(), let w = Int32(exactly: w) else { return false }
          neuron.weights[g] = w
        }
        return r.consume(UInt8(ascii: "]"))
      case 7:
        guard let d = pair(&r) else { return false }
        (offset.dx, offset.dy) = d
      default:
        guard let v = r.integer(), let v = Int32(exactly: v) else { return false }
        values[key] = v
      }
      return true
    }
    guard seen == 0b11_1111_1111, values[6] == 0 || values[6] == 1 else { return nil }
    neuron.potential = values[0]
    neuron.resetPotential = values[1]
    neuron.leak = values[3]
    neuron.threshold = values[4]
    let rule = RANCNeuronRule.RANC(positiveThreshold: Int64(values[4]), negativeThreshold: Int64(values[5]),
      resetPotential: Int64(values[1]), linearReset: values[6] == 1, inclusive: config.resetType == 1)
    let t: RANCNeuronRule.TNSim
    if let known = rules[rule] {
      t = known
    } else {
      guard case .exact(let exact) = RANCNeuronRule.match(rule) else { return nil }
      rules[rule] = exact
      t = exact
    }
    neuron.negativeThreshold = Int32(t.beta)
    neuron.resetMode = t.gamma
    neuron.kappa = t.kappa
    offset.axon = values[8]
    offset.tick = values[9]
    return offset
  }

  /// A neuron's destination as the tree reader gives it, once the bus and the cores listed are
  /// known; nil for one it refuses.
  static func destination(_ o: Offset, x: Int, y: Int, bus: (x: Int, y: Int, outputs: Int), config: Config, listed: Set<Int>)
    -> Destination?
  {
    let tx = x + Int(o.dx), ty = y + Int(o.dy)
    if tx == bus.x && ty == bus.y {
      guard (0..<bus.outputs).contains(Int(o.axon)) else { return nil }
      return .pin(o.axon)
    }
    guard (0..<config.width).contains(tx), (0..<config.height).contains(ty), (0..<config.axons).contains(Int(o.axon)),
      (0...(config.maxTickOffset - 1)).contains(Int(o.tick))
    else { return nil }
    if !listed.contains(ty * config.width + tx) || Int(o.tick) == config.maxTickOffset - 1 { return Destination.none }
    return .axon(dx: o.dx, dy: o.dy, axon: o.axon, delay: o.tick + 1)
  }
}

extension RANCNeuronRule.RANC: Hashable {
  func hash(into hasher: inout Hasher) {
    hasher.combine(positiveThreshold)
    hasher.combine(negativeThreshold)
    hasher.combine(resetPotential)
    hasher.combine(linearReset)
    hasher.combine(inclusive)
  }
}
