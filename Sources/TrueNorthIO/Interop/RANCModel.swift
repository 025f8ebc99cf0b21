import Foundation
import TrueNorth
/// RANC's `input.json` + `config.json` (docs/interop.md, spec: ranc-format.md): import into a
/// tnsim `Model` (with the input packets as input spikes) and export from one.
///
/// Mapping:
/// - Ticks: a packet in `packets[t]` with `destination_tick` d is the tnsim input spike for tick
///   t + d (checked against RANC's own outputs: spec ranc-format.md, "Tick mapping"); export
///   writes the spike for tick T into `packets[T]` with d = 0.
/// - Cores keep their (x, y); RANC's grid must fit the tnsim chip. A neuron's destination offset
///   and `destination_tick` d give the tnsim destination (dx, dy, axon, delay 1 + d). A
///   destination on the output-bus slot is output pin `destination_axon`; a destination on an
///   unlisted grid slot (a default core that never fires), or with d = max_tick_offset - 1
///   (RANC drops it), is no destination. Export sends pins to the bus and neurons with no
///   destination to a free "sink" slot; both are the first free slots of the grid in row-major
///   order, and the grid grows by columns when it has none.
/// - Neurons: weights, leak, positive_threshold = alpha, reset_potential = R, reset_mode 0 is
///   gamma 0 and 1 is gamma 1. beta and kappa are decided on the neuron's whole behaviour
///   (`RANCNeuronRule`): the first beta and kappa, trying the field-by-field reading first (beta
///   = -neg, or -neg - 1 with neuron_reset_type 1), that gives RANC's spike and next potential at
///   every potential; a neuron with none is refused, naming the potential where they differ.
/// - Export refuses, naming core, neuron and field, stochastic synapses or leak, leak reversal,
///   TM > 0, gamma 2, and kappa = 1 unless gamma = 0 and R = beta. RANC has no potential
///   saturation: the export is exact while potentials stay inside tnsim's bounds (the chip's
///   `bits.potential`), which tnsim cannot check statically. Seeds are not written (RANC has no
///   randomness, and every exportable neuron is deterministic).
public enum RANCModelFiles {
  static let format = "RANC"
  static let configKeys = [
    "num_neurons", "num_axons", "num_cores_x", "num_cores_y", "num_weights", "max_tick_offset",
    "neuron_block_trace_verbosity", "core_controller_trace_verbosity", "scheduler_trace_verbosity", "neuron_reset_type",
  ]
  static let neuronKeys: Set<String> = [
    "current_potential", "reset_potential", "weights", "leak", "positive_threshold", "negative_threshold",
    "reset_mode", "destination_core_offset", "destination_axon", "destination_tick",
  ]

  /// The values of `config.json` tnsim uses.
  public struct Config: Sendable, Equatable {
    /// `num_neurons` per core.
    public var neurons: Int
    /// `num_axons` per core.
    public var axons: Int
    /// `num_cores_x`.
    public var width: Int
    /// `num_cores_y`.
    public var height: Int
    /// `num_weights`: axon types.
    public var weights: Int
    /// `max_tick_offset`: destination ticks 0...max - 1, the last dropping the spike.
    public var maxTickOffset: Int
    /// 0: the negative threshold test is V < neg; 1: V <= neg.
    public var resetType: Int
  }

  // MARK: - Import

  /// Reads `config.json`, checking that the RANC network fits `chip`.
  public static func parseConfig(_ bytes: [UInt8], file: String, chip: ChipDefinition) throws(InputError) -> Config {
    let c = try JSONCursor.parse(bytes, file: file)
    try c.rejectUnknownKeys(Set(configKeys))
    for key in configKeys where try c.optional(key) == nil { throw c.fail("missing the required field \"\(key)\"") }
    let config = Config(
      neurons: try c.required("num_neurons").int(in: 1...chip.neuronsPerCore, allowed: "1...\(chip.neuronsPerCore) (the cores of \(chip.name))"),
      axons: try c.required("num_axons").int(in: 1...chip.axonsPerCore, allowed: "1...\(chip.axonsPerCore) (the cores of \(chip.name))"),
      width: try c.required("num_cores_x").int(in: 1...chip.width, allowed: "1...\(chip.width) (the grid of \(chip.name); a larger chip is needed)"),
      height: try c.required("num_cores_y").int(in: 1...chip.height, allowed: "1...\(chip.height) (the grid of \(chip.name); a larger chip is needed)"),
      weights: try c.required("num_weights").int(in: 1...chip.axonTypes),
      maxTickOffset: try c.required("max_tick_offset").int(in: 2...(chip.maxDelay + 1)),
      resetType: try c.required("neuron_reset_type").int(in: 0...1))
    for key in configKeys where key.hasSuffix("verbosity") { _ = try c.required(key).int(in: 0...Int(Int32.max)) }
    return config
  }

  /// Reads `input.json` with its `config.json` onto `chip`.
  /// - Returns: the model, and the packets as tnsim input spikes (tick t + destination_tick;
  ///   packets to unlisted cores, which RANC ignores, are dropped).
  /// - Throws: `InputError` naming the file, line, JSON path and field.
  ///
  /// The streaming reader (`RANCModel+Stream.swift`) reads files of the usual shape; any file it
  /// does not take, valid or not, is read by `parseTree`, which words the errors.
  public static func parse(input: [UInt8], file: String, config: Config, chip: ChipDefinition, chipReference: String? = nil)
    throws(InputError) -> (Model, SpikeList<InputSpike>)
  {
    let fast = input.withUnsafeBufferPointer { parseStreaming($0, file: file, config: config, chip: chip, chipReference: chipReference) }
    if let fast { return fast }
    return try parseTree(input: input, file: file, config: config, chip: chip, chipReference: chipReference)
  }

  /// The slow, obvious reader: the whole file as a JSON tree, then the model and packets from the
  /// tree. It is what words every error, and the reference the streaming reader is tested against.
  static func parseTree(input: [UInt8], file: String, config: Config, chip: ChipDefinition, chipReference: String? = nil)
    throws(InputError) -> (Model, SpikeList<InputSpike>)
  {
    let root = try JSONCursor.parse(input, file: file)
    try root.rejectUnknownKeys(["packets", "output_bus", "cores"])
    let bus = try root.required("output_bus")
    try bus.rejectUnknownKeys(["coordinates", "num_outputs"])
    let (busX, busY) = try coordinates(try bus.required("coordinates"), config)
    let outputs = try bus.required("num_outputs").int(in: 0...chip.outputPins, allowed: "0...\(chip.outputPins) (the output pins of \(chip.name))")
    var model = Model(chip: chip, chipReference: chipReference ?? chip.name)
    var listed: [Int: Int] = [:]  // slot -> line
    let cores = try root.required("cores").elements()
    for c in cores {
      let place = try c.required("coordinates")
      let (x, y) = try coordinates(place, config)
      if x == busX && y == busY { throw place.fail("core (\(x), \(y)) is on the output bus slot") }
      if let line = listed[y * config.width + x] { throw place.fail("duplicate core (\(x), \(y)): line \(line) has it already") }
      listed[y * config.width + x] = c.node.line
    }
    for c in cores {
      try c.rejectUnknownKeys(["coordinates", "axons", "connections", "neurons"])
      let (x, y) = try coordinates(try c.required("coordinates"), config)
      var core = model.emptyCore(x: x, y: y)
      let axons = try c.required("axons")
      let types = try axons.ints(in: 0...(config.weights - 1))
      guard types.count <= config.axons else { throw axons.fail("\(types.count) axons; num_axons is \(config.axons)") }
      for (i, t) in types.enumerated() { core.axonTypes[i] = UInt8(t) }
      let rows = try c.required("connections").elements()
      guard rows.count <= config.neurons else {
        throw try c.required("connections").fail("\(rows.count) rows; num_neurons is \(config.neurons)")
      }
      for (j, row) in rows.enumerated() {
        let bits = try row.ints(in: 0...1)
        guard bits.count <= config.axons else { throw row.fail("\(bits.count) synapse bits; num_axons is \(config.axons)") }
        for (i, b) in bits.enumerated() where b == 1 { core.crossbar[i, j] = true }
      }
      let neurons = try c.required("neurons").elements()
      guard neurons.count <= config.neurons else {
        throw try c.required("neurons").fail("\(neurons.count) neurons; num_neurons is \(config.neurons)")
      }
      for (j, n) in neurons.enumerated() {
        core.neurons[j] = try parseNeuron(n, x: x, y: y, neuronIndex: j, bus: (busX, busY), outputs: outputs, listed: listed, config: config)
      }
      model.cores.append(core)
    }
    if let v = model.violations().first {
      let k = v.core ?? 0
      throw InputError(file: file, line: cores.indices.contains(k) ? cores[k].node.line : nil,
        path: v.core.map { "cores[\($0)]" + (v.neuron.map { ".neurons[\($0)]" } ?? "") } ?? "",
        message: "\(v.field): \(v.message)")
    }
    let spikes = try parsePackets(root, config: config, listed: listed, chip: chip)
    return (model, spikes)
  }

  /// Loads `input.json` and `config.json`.
  /// The input is mapped, not copied, when the system allows.
  public static func load(input: String, config: String, chip: ChipDefinition, chipReference: String? = nil)
    throws(InputError) -> (Model, SpikeList<InputSpike>)
  {
    let mapped = try? Data(contentsOf: URL(fileURLWithPath: input), options: .alwaysMapped)
    if mapped == nil { _ = try readFile(input) }  // the error naming the input
    // A file taken for a RANC input.json (no "format") whose config.json is missing is more
    // often a model that lost its "format": the error is about the input, not the config.
    guard FileManager.default.fileExists(atPath: config) else {
      throw InputError(
        file: input, field: "config", value: config,
        message: "was read as a RANC input.json (a JSON object without \"format\"), but its config.json (\(config)) is missing; "
          + "a tnsim model needs \"format\": \"tnsim-model\"")
    }
    let c = try parseConfig(try readFile(config), file: config, chip: chip)
    guard let mapped else { return try parse(input: try readFile(input), file: input, config: c, chip: chip, chipReference: chipReference) }
    let fast = mapped.withUnsafeBytes { raw in
      parseStreaming(raw.bindMemory(to: UInt8.self), file: input, config: c, chip: chip, chipReference: chipReference)
    }
    if let fast { return fast }
    return try parseTree(input: [UInt8](mapped), file: input, config: c, chip: chip, chipReference: chipReference)
  }

  /// Loads a RANC `input.json` with the `config.json` beside it, onto `chip` (default
  /// `truenorth`): the model and its packets, for `tnsim run` and `validate` to take the file as
  /// it is.
  public static func load(input: String, chip: ChipDefinition?) throws(InputError) -> (Model, SpikeList<InputSpike>) {
    let slash = input.lastIndex(of: "/")
    let config = (slash.map { String(input[...$0]) } ?? "") + "config.json"
    if let chip { return try load(input: input, config: config, chip: chip) }
    return try load(input: input, config: config, chip: try ChipDefinition.resolve("truenorth"))
  }

  /// Whether the file at `path` looks like a RANC `input.json`, from its first 4 KiB: a JSON
  /// object naming `packets`, `output_bus` or core `coordinates`, and none of the keys of tnsim's
  /// model file (`format`) or the IBM toolchain's (`neuronTypes`).
  public static func isInput(path: String) -> Bool {
    guard let h = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? h.close() }
    let head = String(decoding: (try? h.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
    guard head.drop(while: { $0.isWhitespace }).first == "{" else { return false }
    return ["\"packets\"", "\"output_bus\"", "\"coordinates\""].contains { head.contains($0) }
      && !["\"format\"", "\"neuronTypes\""].contains { head.contains($0) }
  }

  static func coordinates(_ c: JSONCursor, _ config: Config) throws(InputError) -> (Int, Int) {
    let v = try c.ints(in: Int(Int32.min)...Int(Int32.max), count: 2)
    guard (0..<config.width).contains(v[0]), (0..<config.height).contains(v[1]) else {
      throw c.fail("(\(v[0]), \(v[1])) is off the \(config.width) x \(config.height) grid of config.json")
    }
    return (v[0], v[1])
  }

  static func parseNeuron(_ n: JSONCursor, x: Int, y: Int, neuronIndex: Int, bus: (Int, Int), outputs: Int, listed: [Int: Int], config: Config)
    throws(InputError) -> Neuron
  {
    try n.rejectUnknownKeys(neuronKeys)
    let r = Int(Int32.min)...Int(Int32.max)
    func int(_ key: String) throws(InputError) -> Int32 { Int32(try n.required(key).int(in: r)) }
    var neuron = Neuron()
    let w = try n.required("weights").ints(in: r, count: config.weights)
    for g in 0..<w.count { neuron.weights[g] = Int32(w[g]) }
    neuron.leak = try int("leak")
    neuron.threshold = try int("positive_threshold")
    neuron.potential = try int("current_potential")
    neuron.resetPotential = try int("reset_potential")
    let modeCursor = try n.required("reset_mode")
    let mode = try modeCursor.int(in: 0...1, allowed: "0 (reset to R) or 1 (subtract the threshold)")
    let negCursor = try n.required("negative_threshold")
    let rule = RANCNeuronRule.RANC(positiveThreshold: Int64(neuron.threshold), negativeThreshold: Int64(try int("negative_threshold")),
      resetPotential: Int64(neuron.resetPotential), linearReset: mode == 1, inclusive: config.resetType == 1)
    let t = try resetParameters(rule, at: negCursor, core: (x, y), neuron: neuronIndex)
    neuron.negativeThreshold = Int32(t.beta)
    neuron.resetMode = t.gamma
    neuron.kappa = t.kappa
    let offset = try n.required("destination_core_offset")
    let d = try offset.ints(in: r, count: 2)
    let axonCursor = try n.required("destination_axon")
    let axon = try axonCursor.int(in: r)
    let tickCursor = try n.required("destination_tick")
    let tick = try tickCursor.int(in: r)
    let tx = x + d[0], ty = y + d[1]
    if tx == bus.0 && ty == bus.1 {
      guard (0..<outputs).contains(axon) else {
        throw axonCursor.fail("output \(axon) is out of range; the bus has num_outputs = \(outputs)")
      }
      neuron.destination = .pin(Int32(axon))
      return neuron
    }
    guard (0..<config.width).contains(tx), (0..<config.height).contains(ty) else {
      throw offset.fail("destination core (\(tx), \(ty)) is off the \(config.width) x \(config.height) grid of config.json")
    }
    guard (0..<config.axons).contains(axon) else {
      throw axonCursor.fail("value \(axon) is out of range; allowed: 0...\(config.axons - 1)")
    }
    guard (0...(config.maxTickOffset - 1)).contains(tick) else {
      throw tickCursor.fail("value \(tick) is out of range; allowed: 0...\(config.maxTickOffset - 1) (max_tick_offset - 1 drops the spike)")
    }
    if listed[ty * config.width + tx] == nil || tick == config.maxTickOffset - 1 {
      neuron.destination = .none
    } else {
      neuron.destination = .axon(dx: Int32(d[0]), dy: Int32(d[1]), axon: Int32(axon), delay: Int32(tick + 1))
    }
    return neuron
  }

  /// The tnsim beta, gamma and kappa that behave like `rule` at every potential (`RANCNeuronRule`).
  /// - Throws: `InputError` at `cursor` naming the core, the neuron and the first potential
  ///   (counting down from the positive threshold) at which RANC and the closest tnsim neuron differ.
  static func resetParameters(_ rule: RANCNeuronRule.RANC, at cursor: JSONCursor, core: (Int, Int), neuron: Int)
    throws(InputError) -> RANCNeuronRule.TNSim
  {
    switch RANCNeuronRule.match(rule) {
    case .exact(let t): return t
    case .differs(let t, let v, let ranc, let tnsim):
      let test = rule.inclusive ? "<=" : "<"
      let reset = rule.linearReset ? "V - \(rule.negativeThreshold)" : "\(-rule.resetPotential)"
      throw cursor.fail("core (\(core.0), \(core.1)) neuron \(neuron): no tnsim neuron behaves like this RANC neuron "
        + "(V >= \(rule.positiveThreshold) spikes, else V \(test) \(rule.negativeThreshold) gives \(reset)): "
        + "counting down from the positive threshold they first differ at potential \(v), where RANC gives \(ranc) "
        + "and the closest tnsim neuron (gamma \(t.gamma.rawValue), beta \(t.beta), kappa \(t.kappa ? 1 : 0), R \(t.resetPotential)) gives \(tnsim)")
    }
  }

  static func parsePackets(_ root: JSONCursor, config: Config?, listed: [Int: Int]?, chip: ChipDefinition) throws(InputError)
    -> SpikeList<InputSpike>
  {
    var spikes: [InputSpike] = []
    var locations: [(line: Int?, path: String?)] = []
    for (t, step) in try root.required("packets").elements().enumerated() {
      for p in try step.elements() {
        try p.rejectUnknownKeys(["destination_core", "destination_axon", "destination_tick"])
        let place = try p.required("destination_core")
        let v = try place.ints(in: Int(Int32.min)...Int(Int32.max), count: 2)
        let width = config?.width ?? chip.width, height = config?.height ?? chip.height
        guard (0..<width).contains(v[0]), (0..<height).contains(v[1]) else {
          throw place.fail("(\(v[0]), \(v[1])) is off the \(width) x \(height) grid")
        }
        let axon = try p.required("destination_axon").int(in: 0...((config?.axons ?? chip.axonsPerCore) - 1))
        let maxTick = (config?.maxTickOffset ?? 16) - 1
        let d = try p.required("destination_tick").int(in: 0...maxTick)
        if let listed, listed[v[1] * width + v[0]] == nil { continue }
        if d == maxTick { continue }
        spikes.append(InputSpike(tick: Int64(t + d), core: Int32(chip.coreID(x: v[0], y: v[1])), axon: Int32(axon)))
        locations.append((p.node.line, p.path))
      }
    }
    return SpikeList(path: root.file, records: spikes, locations: locations)
  }

  /// The packets of an `input.json` as tnsim input spikes, core ids on `chip`'s grid (for
  /// `tnsim run --input input.json`). Without the config, grid bounds are the chip's; packets to
  /// cores the file does not list are dropped, as RANC ignores them.
  /// The file is mapped and read by the streaming reader; any file it does not take is read by
  /// `readPacketsTree`, which words the errors.
  public static func readPackets(path: String, chip: ChipDefinition) throws(InputError) -> SpikeList<InputSpike> {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
      return try readPacketsTree(try readFile(path), file: path, chip: chip)
    }
    let fast = data.withUnsafeBytes { raw in readPacketsStreaming(raw.bindMemory(to: UInt8.self), file: path, chip: chip) }
    if let fast { return fast }
    return try readPacketsTree([UInt8](data), file: path, chip: chip)
  }

  /// The slow, obvious reader of `readPackets`: the whole file as a JSON tree.
  static func readPacketsTree(_ bytes: [UInt8], file path: String, chip: ChipDefinition) throws(InputError) -> SpikeList<InputSpike> {
    let root = try JSONCursor.parse(bytes, file: path)
    var listed: [Int: Int] = [:]
    for c in try root.optional("cores")?.elements() ?? [] {
      let v = try c.required("coordinates").ints(in: Int(Int32.min)...Int(Int32.max), count: 2)
      listed[v[1] * chip.width + v[0]] = c.node.line
    }
    return try parsePackets(root, config: nil, listed: listed, chip: chip)
  }

  // MARK: - Export

  /// The model (and input spikes, as packets) as RANC's `input.json` and `config.json`.
  /// - Throws: `ConversionError` naming the core, neuron and field RANC cannot express, or an
  ///   input spike off the grid.
  public static func export(_ model: Model, inputs: [InputSpike] = []) throws(ConversionError) -> (input: [UInt8], config: [UInt8]) {
    if let v = model.violations().first {
      throw ConversionError(format: format, coreX: v.coreX, coreY: v.coreY, neuron: v.neuron, field: v.field,
        message: v.message + " (the model does not fit its chip; run tnsim validate)")
    }
    let grid = try Grid(model)
    let steps = try packetSteps(inputs, chip: model.chip)
    var w = JSONTextWriter()
    w.beginObject()
    w.key("packets")
    w.beginArray()
    for step in steps {
      w.lineBreak(indent: 2)
      w.beginArray()
      for s in step {
        let (x, y) = model.chip.coordinates(ofCore: Int(s.core))
        w.beginObject()
        w.key("destination_core")
        w.array([x, y])
        w.member("destination_axon", s.axon)
        w.member("destination_tick", 0)
        w.endObject()
      }
      w.endArray()
    }
    w.endArray()
    w.lineBreak(indent: 1)
    w.key("output_bus")
    w.beginObject()
    w.key("coordinates")
    w.array([grid.bus.0, grid.bus.1])
    w.member("num_outputs", grid.outputs)
    w.endObject()
    w.lineBreak(indent: 1)
    w.key("cores")
    w.beginArray()
    for core in model.cores {
      w.lineBreak(indent: 2)
      writeCore(core, grid: grid, &w)
    }
    w.endArray(lineBreak: 1)
    w.endObject(lineBreak: 0)
    w.endLine()
    return (w.bytes, configBytes(model.chip, grid: grid))
  }

  /// The grid an export writes: the cores' bounding grid from (0, 0), grown by columns until it
  /// has free slots for the output bus and, when some neuron has no destination, a sink.
  struct Grid {
    var width: Int
    var height: Int
    var bus: (Int, Int)
    var sink: (Int, Int)
    var outputs: Int

    /// - Throws: `ConversionError` for a neuron RANC cannot run exactly.
    init(_ model: Model) throws(ConversionError) {
      var needsSink = false
      outputs = 0
      for core in model.cores {
        for (j, n) in core.neurons.enumerated() {
          try RANCModelFiles.check(n, core: core, neuron: j)
          switch n.destination {
          case .none: needsSink = true
          case .pin(let p): outputs = max(outputs, Int(p) + 1)
          case .axon: break
          }
        }
      }
      width = (model.cores.map(\.x).max() ?? 0) + 1
      height = (model.cores.map(\.y).max() ?? 0) + 1
      let taken = Set(model.cores.map { $0.y * model.chip.width + $0.x })
      var free: [(Int, Int)] = []
      while free.count < (needsSink ? 2 : 1) {
        free = []
        for y in 0..<height {
          for x in 0..<width where !taken.contains(y * model.chip.width + x) { free.append((x, y)) }
        }
        if free.count < (needsSink ? 2 : 1) { width += 1 }
      }
      bus = free[0]
      sink = needsSink ? free[1] : bus
    }
  }

  /// Input spikes as RANC's `packets`: the spike for tick T in step T - 1.
  /// - Throws: `ConversionError` for a spike in tick 0 or to a core off the grid.
  static func packetSteps(_ inputs: [InputSpike], chip: ChipDefinition) throws(ConversionError) -> [[InputSpike]] {
    var byStep: [[InputSpike]] = []
    for s in inputs.sorted() {
      guard s.core >= 0, Int(s.core) < chip.coreCount else {
        throw ConversionError(format: format, field: "core", message: "an input spike to core \(s.core), which is off the grid")
      }
      let t = Int(s.tick)
      while byStep.count <= t { byStep.append([]) }
      byStep[t].append(s)
    }
    return byStep
  }

  /// One core of `input.json`: coordinates, axon types, connections (one row per neuron, up to
  /// its last synapse) and neurons, each on lines of their own.
  static func writeCore(_ core: CoreConfig, grid: Grid, _ w: inout JSONTextWriter) {
    w.beginObject()
    w.key("coordinates")
    w.array([core.x, core.y])
    w.lineBreak(indent: 3)
    w.key("axons")
    w.array(core.axonTypes)
    w.lineBreak(indent: 3)
    w.key("connections")
    w.beginArray(.compact)
    for j in 0..<core.neurons.count {
      var last = -1
      for i in 0..<core.crossbar.axons where core.crossbar[i, j] { last = i }
      w.array(last < 0 ? [] : (0...last).map { core.crossbar[$0, j] ? 1 : 0 })
    }
    w.endArray()
    w.lineBreak(indent: 3)
    w.key("neurons")
    w.beginArray()
    for n in core.neurons {
      w.lineBreak(indent: 4)
      writeNeuron(n, core: core, grid: grid, &w)
    }
    w.endArray()
    w.endObject()
  }

  /// One neuron of `input.json`; pins go to the bus, neurons without a destination to the sink.
  static func writeNeuron(_ n: Neuron, core: CoreConfig, grid: Grid, _ w: inout JSONTextWriter) {
    let (offset, axon, tick): ((Int, Int), Int32, Int32)
    switch n.destination {
    case .none: (offset, axon, tick) = ((grid.sink.0 - core.x, grid.sink.1 - core.y), 0, 0)
    case .pin(let p): (offset, axon, tick) = ((grid.bus.0 - core.x, grid.bus.1 - core.y), p, 0)
    case .axon(let dx, let dy, let a, let delay): (offset, axon, tick) = ((Int(dx), Int(dy)), a, delay - 1)
    }
    w.beginObject()
    w.member("current_potential", n.potential)
    w.member("reset_potential", n.resetPotential)
    w.key("weights")
    w.array([n.weights[0], n.weights[1], n.weights[2], n.weights[3]])
    w.member("leak", n.leak)
    w.member("positive_threshold", n.threshold)
    w.member("negative_threshold", -Int64(n.negativeThreshold))
    w.member("reset_mode", n.resetMode.rawValue)
    w.key("destination_core_offset")
    w.array([offset.0, offset.1])
    w.member("destination_axon", axon)
    w.member("destination_tick", tick)
    w.endObject()
  }

  /// `config.json` for the exported grid, on one line.
  static func configBytes(_ chip: ChipDefinition, grid: Grid) -> [UInt8] {
    var w = JSONTextWriter()
    w.beginObject()
    w.member("num_neurons", chip.neuronsPerCore)
    w.member("num_axons", chip.axonsPerCore)
    w.member("num_cores_x", grid.width)
    w.member("num_cores_y", grid.height)
    w.member("num_weights", 4)
    w.member("max_tick_offset", 16)
    w.member("neuron_block_trace_verbosity", 0)
    w.member("core_controller_trace_verbosity", 0)
    w.member("scheduler_trace_verbosity", 0)
    w.member("neuron_reset_type", 0)
    w.endObject()
    w.endLine()
    return w.bytes
  }

  /// Throws unless RANC runs `n` exactly.
  static func check(_ n: Neuron, core: CoreConfig, neuron j: Int) throws(ConversionError) {
    func refuse(_ field: String, _ message: String) -> ConversionError {
      ConversionError(format: format, coreX: core.x, coreY: core.y, neuron: j, field: field, message: message)
    }
    if n.stochasticSynapses != 0 { throw refuse("stochasticSynapses", "RANC has no stochastic synapses") }
    if n.stochasticLeak { throw refuse("stochasticLeak", "RANC has no stochastic leak") }
    if n.leakReversal { throw refuse("leakReversal", "RANC has no leak reversal") }
    if n.thresholdMaskBits != 0 { throw refuse("thresholdMaskBits", "TM = \(n.thresholdMaskBits); RANC has no threshold mask (TM must be 0)") }
    if n.resetMode == .none { throw refuse("resetMode", "gamma 2 (no reset); RANC has reset modes 0 and 1 only") }
    if n.kappa && !(n.resetMode == .normal && n.resetPotential == n.negativeThreshold) {
      throw refuse("kappa", "kappa = 1 saturates at -beta; RANC can express it only with gamma 0 and R = beta "
        + "(here gamma \(n.resetMode.rawValue), R = \(n.resetPotential), beta = \(n.negativeThreshold))")
    }
    if case .axon(_, _, _, let delay) = n.destination, delay > 15 {
      throw refuse("destination", "delay \(delay); RANC's max_tick_offset 16 allows 1...15")
    }
  }

  /// Writes `input.json` and `config.json` atomically.
  public static func save(_ model: Model, inputs: [InputSpike] = [], input: String, config: String) throws {
    let (i, c) = try export(model, inputs: inputs)
    try writeFileAtomically(i, to: input)
    try writeFileAtomically(c, to: config)
  }
}
