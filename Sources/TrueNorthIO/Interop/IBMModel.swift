import Foundation
import TrueNorth

/// The IBM TrueNorth toolchain's `model.json` (docs/interop.md, spec: nscs-format.md): import
/// into a tnsim `Model` and export from one.
///
/// Mapping (both directions):
/// - Core id `id` is the core at `chip.coordinates(ofCore: id)`: row-major, x fastest, over the
///   whole board of the chip definition chosen for the import (`tnsim convert --chip`).
/// - Neuron parameters are sign/magnitude pairs (weight G = sigmaG * sG, leak = sigma_lambda *
///   lambda); R = sigma_VR * (2^VR - 1); V is the initial potential.
/// - `destCore` >= 0 is a core id: the destination is that core's axon `destAxon`, `delay` ticks
///   later, stored as an offset from the neuron's core. `destCore` < 0 is an output off the chip:
///   tnsim output pin `destAxon`, on the output-bus core `destCore` (kept in an `IBMOutputBus`
///   beside the model; export writes it back, -32 by default). `destCore` < 0 with `destAxon` -1
///   is a neuron with no destination (tnsim's convention; export writes -1, -1).
/// - `rngSeed` is the core's seed; a core without a seed of its own is written with its id,
///   which is the seed tnsim uses for it, and a core whose `rngSeed` equals its id is read back
///   without one. tnsim's model seed travels as `"rngSeed"` in the `"model"` object, written only
///   when it is not 1 (the default on import).
/// - `dendrite` is read and ignored (written as 0); `timeScaleExponent` must be 0.
public enum IBMModelFile {
  static let format = "IBM model.json"
  static let typeFields = [
    "name", "sigma0", "sigma1", "sigma2", "sigma3", "s0", "s1", "s2", "s3", "b0", "b1", "b2", "b3",
    "sigma_lambda", "lambda", "c_lambda", "epsilon", "alpha", "beta", "TM", "gamma", "kappa", "sigma_VR", "VR", "V",
  ]

  // MARK: - Import

  /// Reads a `model.json` onto `chip`.
  /// - Parameters:
  ///   - chipReference: how the tnsim model names its chip (default: the chip's name).
  /// - Throws: `InputError` naming the file, line, JSON path and field: a repeated or missing
  ///   section, an undefined neuron type, a duplicate core id, a core id or destination off the
  ///   grid, a crossbar row that is not the core's width in hex bytes, or any value the chip
  ///   cannot hold.
  public static func parse(_ bytes: [UInt8], file: String, chip: ChipDefinition, chipReference: String? = nil)
    throws(InputError) -> Model
  {
    try parseKeepingOutputBus(bytes, file: file, chip: chip, chipReference: chipReference).model
  }

  /// Reads a `model.json` onto `chip`, with the output-bus core (`destCore` < 0) of each neuron
  /// that sends to a pin, which a tnsim `Model` does not hold.
  /// - Throws: what `parse(_:file:chip:chipReference:)` throws.
  ///
  /// The streaming reader (`IBMModel+Stream.swift`) reads files of the usual shape; any file it
  /// does not take, valid or not, is read by `parseTree`, which words the errors.
  public static func parseKeepingOutputBus(_ bytes: [UInt8], file: String, chip: ChipDefinition, chipReference: String? = nil)
    throws(InputError) -> (model: Model, outputBus: IBMOutputBus)
  {
    let fast = bytes.withUnsafeBufferPointer { parseStreaming($0, file: file, chip: chip, chipReference: chipReference) }
    if let fast { return fast }
    return try parseTree(bytes, file: file, chip: chip, chipReference: chipReference)
  }

  /// The slow, obvious reader: the whole file as a JSON tree, then the model from the tree. It is
  /// what words every error, and the reference the streaming reader is tested against.
  static func parseTree(_ bytes: [UInt8], file: String, chip: ChipDefinition, chipReference: String? = nil)
    throws(InputError) -> (model: Model, outputBus: IBMOutputBus)
  {
    let root = try JSONCursor.parse(bytes, file: file)
    let (header, types, cores) = try sections(root)
    let seed = try parseHeader(header, coreCount: cores.count, chip: chip)
    let table = try NeuronTypes(types, chip: chip)
    var model = Model(chip: chip, chipReference: chipReference ?? chip.name, seed: seed)
    var places = CorePlaces()
    var bus = IBMOutputBus()
    for c in cores {
      let (core, typeOf) = try parseCore(c, model: model, types: table, places: &places, outputBus: &bus)
      model.cores.append(core)
      places.neuronTypes.append(typeOf)
    }
    try checkFits(model, file: file, types: table, places: places)
    return (model, bus)
  }

  /// The `model` and `neuronTypes` sections and the `core` sections, in order.
  static func sections(_ root: JSONCursor) throws(InputError) -> (JSONCursor, JSONCursor, [JSONCursor]) {
    var header: JSONCursor?
    var types: JSONCursor?
    var cores: [JSONCursor] = []
    for m in try root.members() {
      switch m.key {
      case "model", "neuronTypes":
        let c = root.child(m.value, m.key)
        if (m.key == "model" ? header : types) != nil { throw c.fail("the section \"\(m.key)\" appears more than once") }
        if m.key == "model" { header = c } else { types = c }
      case "core":
        cores.append(root.element(m.value, cores.count).renamed("core[\(cores.count)]"))
      default:
        throw root.child(m.value, m.key).fail("unknown section \"\(m.key)\"; allowed: model, neuronTypes, core (repeated)")
      }
    }
    guard let header else { throw root.fail("missing the \"model\" section (is this an IBM model.json?)") }
    guard let types else { throw root.fail("missing the \"neuronTypes\" section") }
    return (header, types, cores)
  }

  /// Checks the `model` section against the file and the chip.
  /// - Returns: the model seed (`rngSeed`, default 1).
  static func parseHeader(_ header: JSONCursor, coreCount cores: Int, chip: ChipDefinition) throws(InputError) -> UInt64 {
    try header.rejectUnknownKeys(["coreCount", "neuronClass", "crossbarSize", "crossbarclass", "networking", "rngSeed"])
    let coreCount = try header.required("coreCount").int(in: 0...chip.coreCount)
    guard coreCount == cores else {
      throw try header.required("coreCount").fail("says \(coreCount) cores; the file has \(cores) \"core\" sections")
    }
    guard chip.axonsPerCore == chip.neuronsPerCore else {
      throw header.fail("the chip \(chip.name) has \(chip.axonsPerCore) axons and \(chip.neuronsPerCore) neurons per core; "
        + "model.json needs square crossbars")
    }
    if let size = try header.optional("crossbarSize") {
      _ = try size.int(in: chip.axonsPerCore...chip.axonsPerCore, allowed: "\(chip.axonsPerCore) (the cores of \(chip.name))")
    }
    return UInt64(bitPattern: try header.optional("rngSeed")?.int64() ?? 1)
  }

  /// The neuron types of `neuronTypes`, by name, with where each is defined.
  struct NeuronTypes {
    var index: [String: Int] = [:]
    var neurons: [Neuron] = []
    var cursors: [JSONCursor] = []

    init(_ types: JSONCursor, chip: ChipDefinition) throws(InputError) {
      for t in try types.elements() {
        let name = try t.required("name").string()
        if index[name] != nil { throw try t.required("name").fail("the neuron type \"\(name)\" is defined twice") }
        index[name] = neurons.count
        neurons.append(try IBMModelFile.parseType(t, chip: chip))
        cursors.append(t)
      }
    }
  }

  /// Where the cores and neurons read so far are in the file, for error messages.
  struct CorePlaces {
    var coreLines: [Int] = []
    var neuronLines: [[Int]] = []
    var neuronTypes: [[Int]] = []
    var lineOfID: [Int: Int] = [:]
  }

  /// One `core` section: id, seed, neurons and crossbar.
  /// - Returns: the core and the type index of each neuron.
  static func parseCore(_ c: JSONCursor, model: Model, types: NeuronTypes, places: inout CorePlaces, outputBus: inout IBMOutputBus)
    throws(InputError) -> (CoreConfig, [Int])
  {
    let chip = model.chip
    try c.rejectUnknownKeys(["id", "rngSeed", "timeScaleExponent", "neurons", "crossbar"])
    let idCursor = try c.required("id")
    let id = try idCursor.int(in: 0...Int(Int32.max))
    guard id < chip.coreCount else {
      throw idCursor.fail("core id \(id) is off the \(chip.width) x \(chip.height) grid of \(chip.name); allowed: 0...\(chip.coreCount - 1)")
    }
    if let other = places.lineOfID[id] { throw idCursor.fail("duplicate core id \(id): line \(other) has it already") }
    places.lineOfID[id] = c.node.line
    let (x, y) = chip.coordinates(ofCore: id)
    var core = model.emptyCore(x: x, y: y)
    if let s = try c.optional("rngSeed") {
      let v = UInt64(bitPattern: try s.int64())
      core.seed = v == UInt64(id) ? nil : v
    }
    if let t = try c.optional("timeScaleExponent") { _ = try t.int(in: 0...0, allowed: "0") }
    let (lines, typeOf) = try parseNeurons(try c.required("neurons"), into: &core, types: types, chip: chip, outputBus: &outputBus)
    try parseCrossbar(try c.required("crossbar"), into: &core, chip: chip)
    places.coreLines.append(c.node.line)
    places.neuronLines.append(lines)
    return (core, typeOf)
  }

  /// The `neurons` of a core: each a type, a dendrite (ignored) and a destination.
  /// - Returns: each neuron's line and type index.
  static func parseNeurons(
    _ list: JSONCursor, into core: inout CoreConfig, types: NeuronTypes, chip: ChipDefinition, outputBus: inout IBMOutputBus
  ) throws(InputError) -> ([Int], [Int])
  {
    let neurons = try list.elements()
    guard neurons.count == chip.neuronsPerCore else {
      throw list.fail("expected \(chip.neuronsPerCore) neurons, found \(neurons.count)")
    }
    var lines: [Int] = []
    var typeOf: [Int] = []
    for (j, n) in neurons.enumerated() {
      try n.rejectUnknownKeys(["type", "dendrite", "destCore", "destAxon", "delay"])
      let typeCursor = try n.required("type")
      let name = try typeCursor.string()
      guard let k = types.index[name] else {
        throw typeCursor.fail("the neuron type \"\(name)\" is not defined in \"neuronTypes\""
          + (types.index.isEmpty ? "" : " (defined: \(types.index.keys.sorted().prefix(8).joined(separator: ", ")))"))
      }
      var neuron = types.neurons[k]
      if let d = try n.optional("dendrite") { _ = try d.int(in: Int(Int32.min)...Int(Int32.max)) }
      let (destination, bus) = try parseDestination(n, x: core.x, y: core.y, chip: chip)
      neuron.destination = destination
      if let bus { outputBus[core: chip.coreID(x: core.x, y: core.y), neuron: j] = bus }
      core.neurons[j] = neuron
      lines.append(n.node.line)
      typeOf.append(k)
    }
    return (lines, typeOf)
  }

  /// The `crossbar` of a core: one row per axon, with its axon type and synapses.
  static func parseCrossbar(_ crossbar: JSONCursor, into core: inout CoreConfig, chip: ChipDefinition) throws(InputError) {
    try crossbar.rejectUnknownKeys(["rows"])
    let rows = try crossbar.required("rows").elements()
    guard rows.count == chip.axonsPerCore else {
      throw try crossbar.required("rows").fail("expected \(chip.axonsPerCore) rows (one per axon), found \(rows.count)")
    }
    for (i, row) in rows.enumerated() {
      try row.rejectUnknownKeys(["type", "synapses"])
      let type = try row.required("type")
      let typeName = try type.string()
      guard typeName.count == 2, typeName.hasPrefix("S"), let g = Int(typeName.dropFirst()), (0..<chip.axonTypes).contains(g) else {
        throw type.fail("axon type \"\(typeName)\" is not allowed; allowed: S0...S\(chip.axonTypes - 1)")
      }
      core.axonTypes[i] = UInt8(g)
      core.crossbar.setRow(i, try parseSynapses(try row.required("synapses"), neurons: chip.neuronsPerCore))
    }
  }

  /// Throws the first value the chip cannot hold, at the neuron type that sets it (or the core
  /// or neuron, for destinations and axon types).
  static func checkFits(_ model: Model, file: String, types: NeuronTypes, places: CorePlaces) throws(InputError) {
    guard let v = model.violations().first else { return }
    if let k = v.core, let j = v.neuron, v.field != "destination" {
      let t = types.cursors[places.neuronTypes[k][j]]
      throw InputError(file: file, line: t.node.line, path: t.path + " (type \"\(t.name)\", used by core[\(k)].neurons[\(j)])",
        message: "\(ibmName(v.field)): \(v.message)")
    }
    throw InputError(file: file, line: v.core.map { k in v.neuron.map { places.neuronLines[k][$0] } ?? places.coreLines[k] },
      path: v.core.map { k in "core[\(k)]" + (v.neuron.map { ".neurons[\($0)]" } ?? "") } ?? "",
      message: "\(ibmName(v.field)): \(v.message)")
  }

  /// Loads a `model.json` file onto `chip`.
  public static func load(path: String, chip: ChipDefinition, chipReference: String? = nil) throws(InputError) -> Model {
    try loadKeepingOutputBus(path: path, chip: chip, chipReference: chipReference).model
  }

  /// Loads a `model.json` file onto `chip`, with the output-bus core of each neuron that sends
  /// to a pin (`parseKeepingOutputBus`). The file is mapped, not copied, when the system allows.
  public static func loadKeepingOutputBus(path: String, chip: ChipDefinition, chipReference: String? = nil)
    throws(InputError) -> (model: Model, outputBus: IBMOutputBus)
  {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
      return try parseKeepingOutputBus(try readFile(path), file: path, chip: chip, chipReference: chipReference)
    }
    let fast = data.withUnsafeBytes { raw in
      parseStreaming(raw.bindMemory(to: UInt8.self), file: path, chip: chip, chipReference: chipReference)
    }
    if let fast { return fast }
    return try parseTree([UInt8](data), file: path, chip: chip, chipReference: chipReference)
  }

  static func ibmName(_ field: String) -> String {
    switch field {
    case "weights": return "sigmaG/sG (weights)"
    case "leak": return "sigma_lambda/lambda (leak)"
    case "threshold": return "alpha"
    case "negativeThreshold": return "beta"
    case "thresholdMaskBits": return "TM"
    case "resetPotential": return "sigma_VR/VR (reset potential)"
    case "potential": return "V"
    case "destination": return "destCore/destAxon/delay"
    case "axonTypes": return "crossbar.rows.type"
    default: return field
    }
  }

  static func parseType(_ t: JSONCursor, chip: ChipDefinition) throws(InputError) -> Neuron {
    try t.rejectUnknownKeys(Set(typeFields))
    let big = Int(Int32.min)...Int(Int32.max)
    func sign(_ key: String) throws(InputError) -> Int32 {
      let c = try t.required(key)
      let v = try c.int(in: -1...1, allowed: "1 or -1")
      guard v != 0 else { throw c.fail("value 0 is out of range; allowed: 1 or -1") }
      return Int32(v)
    }
    func magnitude(_ key: String) throws(InputError) -> Int32 {
      Int32(try t.required(key).int(in: 0...Int(Int32.max)))
    }
    var n = Neuron()
    var stochastic: UInt8 = 0
    for g in 0..<4 {
      n.weights[g] = try sign("sigma\(g)") * magnitude("s\(g)")
      if try t.required("b\(g)").bool() { stochastic |= 1 << UInt8(g) }
    }
    n.stochasticSynapses = stochastic
    n.leak = try sign("sigma_lambda") * magnitude("lambda")
    n.stochasticLeak = try t.required("c_lambda").bool()
    n.leakReversal = try t.required("epsilon").bool()
    n.threshold = Int32(try t.required("alpha").int(in: big))
    n.negativeThreshold = Int32(try t.required("beta").int(in: big))
    n.thresholdMaskBits = Int32(try t.required("TM").int(in: 0...30))
    n.resetMode = ResetMode(rawValue: Int32(try t.required("gamma").int(in: 0...2, allowed: "0 (normal), 1 (linear), 2 (none)"))) ?? .normal
    n.kappa = try t.required("kappa").bool()
    let vr = try t.required("VR").int(in: 0...30)
    n.resetPotential = try sign("sigma_VR") * Int32((1 << vr) - 1)
    n.potential = Int32(try t.required("V").int(in: big))
    return n
  }

  /// A neuron's destination, and for an output pin the output-bus core (`destCore`) it names.
  static func parseDestination(_ n: JSONCursor, x: Int, y: Int, chip: ChipDefinition) throws(InputError) -> (Destination, bus: Int32?) {
    let destCore = try n.required("destCore")
    let core = try destCore.int(in: Int(Int32.min)...Int(Int32.max))
    let axonCursor = try n.required("destAxon")
    let delay = try n.optional("delay")
    if core < 0 {
      let axon = try axonCursor.int(in: -1...(chip.axonsPerCore - 1), allowed: "-1 (no destination) or an output pin 0...\(chip.axonsPerCore - 1)")
      if let delay { _ = try delay.int(in: 0...Int(Int32.max)) }
      return axon < 0 ? (.none, nil) : (.pin(Int32(axon)), Int32(core))
    }
    guard core < chip.coreCount else {
      throw destCore.fail("destination core \(core) is off the \(chip.width) x \(chip.height) grid of \(chip.name); "
        + "allowed: 0...\(chip.coreCount - 1), or negative for an output off the chip")
    }
    let axon = try axonCursor.int(in: 0...(chip.axonsPerCore - 1))
    guard let delay else { throw n.fail("missing the required field \"delay\"") }
    let d = try delay.int(in: chip.delayRange)
    let (tx, ty) = chip.coordinates(ofCore: core)
    return (.axon(dx: Int32(tx - x), dy: Int32(ty - y), axon: Int32(axon), delay: Int32(d)), nil)
  }

  /// A row of `(neurons + 7) / 8` space-separated two-digit hex bytes, most significant bit first.
  static func parseSynapses(_ c: JSONCursor, neurons: Int) throws(InputError) -> SIMD4<UInt64> {
    let text = try c.string()
    let tokens = text.split(separator: " ", omittingEmptySubsequences: true)
    let expected = (neurons + 7) / 8
    guard tokens.count == expected else {
      throw c.fail("a crossbar row has \(expected) hex bytes (\(neurons) neurons), found \(tokens.count)")
    }
    var words = SIMD4<UInt64>.zero
    for (k, token) in tokens.enumerated() {
      guard token.count == 2, let byte = UInt8(token, radix: 16) else {
        throw c.fail("byte \(k) \"\(token)\" is not two hex digits")
      }
      for b in 0..<8 where byte >> UInt8(7 - b) & 1 == 1 {
        let neuron = k * 8 + b
        guard neuron < neurons else { throw c.fail("bit for neuron \(neuron) is set; the core has \(neurons)") }
        words[neuron >> 6] |= 1 << UInt64(neuron & 63)
      }
    }
    return words
  }

  // MARK: - Export

  /// The model as a `model.json`, cores in the model's order, one neuron type per distinct
  /// parameter set (named `t0`, `t1`, ... in order of first use). A neuron that sends to pin p
  /// is written `"destCore"` = its core in `outputBus` (-32 unless the import said otherwise),
  /// `"destAxon"` = p.
  /// - Throws: `ConversionError` for a model that does not fit its chip, a chip whose cores are
  ///   not square, or a reset potential not of the form ±(2^VR - 1), naming core, neuron, field.
  public static func fileBytes(_ model: Model, outputBus: IBMOutputBus = IBMOutputBus()) throws(ConversionError) -> [UInt8] {
    let chip = model.chip
    if let v = model.violations().first {
      throw ConversionError(format: format, coreX: v.coreX, coreY: v.coreY, neuron: v.neuron, field: v.field,
        message: v.message + " (the model does not fit its chip; run tnsim validate)")
    }
    guard chip.axonsPerCore == chip.neuronsPerCore else {
      throw ConversionError(format: format, field: "chip", message: "\(chip.name) has \(chip.axonsPerCore) axons and "
        + "\(chip.neuronsPerCore) neurons per core; model.json needs square crossbars")
    }
    let (types, coreTypes) = try neuronTypes(model)
    var w = JSONTextWriter()
    w.beginObject()
    w.lineBreak(indent: 0)
    w.key("model")
    w.beginObject()
    w.member("coreCount", model.cores.count)
    w.member("neuronClass", "NeuronGeneral")
    w.member("crossbarSize", chip.axonsPerCore)
    w.member("crossbarclass", "CrossbarBinary")
    w.member("networking", "INTRA")
    if model.seed != 1 { w.member("rngSeed", Int64(bitPattern: model.seed)) }
    w.endObject()
    w.lineBreak(indent: 0)
    w.key("neuronTypes")
    w.beginArray()
    for (k, n) in types.enumerated() {
      w.lineBreak(indent: 2)
      writeType(n, name: "t\(k)", &w)
    }
    w.endArray(lineBreak: 0)
    for (k, core) in model.cores.enumerated() {
      w.lineBreak(indent: 0)
      w.key("core")
      writeCore(core, types: coreTypes[k], chip: chip, outputBus: outputBus, &w)
    }
    w.endObject(lineBreak: 0)
    w.endLine()
    return w.bytes
  }

  /// One neuron type per distinct parameter set (destinations aside), in order of first use.
  /// - Returns: the types, and for each core the type index of each neuron.
  /// - Throws: `ConversionError` for a reset potential not of the form ±(2^VR - 1).
  static func neuronTypes(_ model: Model) throws(ConversionError) -> ([Neuron], [[Int]]) {
    var typeOf: [Neuron: Int] = [:]
    var types: [Neuron] = []
    var coreTypes: [[Int]] = []
    for core in model.cores {
      var list: [Int] = []
      for (j, n) in core.neurons.enumerated() {
        var key = n
        key.destination = .none
        if let k = typeOf[key] {
          list.append(k)
          continue
        }
        guard resetExponent(n.resetPotential) != nil else {
          throw ConversionError(format: format, coreX: core.x, coreY: core.y, neuron: j, field: "resetPotential",
            message: "\(n.resetPotential) is not of the form sigma_VR * (2^VR - 1) (0, ±1, ±3, ±7, ±15, ...)")
        }
        typeOf[key] = types.count
        list.append(types.count)
        types.append(key)
      }
      coreTypes.append(list)
    }
    return (types, coreTypes)
  }

  /// One `core` section: id and seed, one line per neuron, one line per crossbar row.
  static func writeCore(_ core: CoreConfig, types: [Int], chip: ChipDefinition, outputBus: IBMOutputBus, _ w: inout JSONTextWriter) {
    let id = chip.coreID(x: core.x, y: core.y)
    w.beginObject()
    w.member("id", id)
    w.member("rngSeed", Int64(bitPattern: core.seed ?? UInt64(id)))
    w.member("timeScaleExponent", 0)
    w.lineBreak(indent: 1)
    w.key("neurons")
    w.beginArray()
    for (j, n) in core.neurons.enumerated() {
      let (destCore, destAxon, delay): (Int, Int32, Int32)
      switch n.destination {
      case .none: (destCore, destAxon, delay) = (-1, -1, 1)
      case .pin(let p): (destCore, destAxon, delay) = (Int(outputBus[core: id, neuron: j]), p, 1)
      case .axon(let dx, let dy, let axon, let d): (destCore, destAxon, delay) = (chip.coreID(x: core.x + Int(dx), y: core.y + Int(dy)), axon, d)
      }
      w.lineBreak(indent: 2)
      w.beginObject()
      w.member("type", "t\(types[j])")
      w.member("dendrite", 0)
      w.member("destCore", destCore)
      w.member("destAxon", destAxon)
      w.member("delay", delay)
      w.endObject()
    }
    w.endArray()
    w.lineBreak(indent: 1)
    w.key("crossbar")
    w.beginObject()
    w.key("rows")
    w.beginArray()
    var synapses: [UInt8] = []
    for i in 0..<core.crossbar.axons {
      w.lineBreak(indent: 2)
      w.beginObject()
      w.member("type", "S\(core.axonTypes[i])")
      synapseBytes(core.crossbar.row(i), neurons: chip.neuronsPerCore, into: &synapses)
      w.key("synapses")
      w.value(utf8: synapses)
      w.endObject()
    }
    w.endArray()
    w.endObject()
    w.endObject()
  }

  /// A crossbar row as space-separated two-digit upper-case hex bytes, byte 0 bit 7 = neuron 0.
  static func synapseBytes(_ row: SIMD4<UInt64>, neurons: Int, into out: inout [UInt8]) {
    let hex = Array("0123456789ABCDEF".utf8)
    out.removeAll(keepingCapacity: true)
    for b in 0..<(neurons + 7) / 8 {
      var byte = 0
      for bit in 0..<8 {
        let j = b * 8 + bit
        if j < 256, row[j >> 6] >> UInt64(j & 63) & 1 == 1 { byte |= 1 << (7 - bit) }
      }
      if b > 0 { out.append(0x20) }
      out += [hex[byte >> 4], hex[byte & 15]]
    }
  }

  /// VR such that |r| = 2^VR - 1, or nil.
  static func resetExponent(_ r: Int32) -> Int? {
    let m = Int64(r.magnitude) + 1
    guard m & (m - 1) == 0 else { return nil }
    return m.trailingZeroBitCount
  }

  static func writeType(_ n: Neuron, name: String, _ w: inout JSONTextWriter) {
    func sm(_ v: Int32) -> (Int, UInt32) { (v < 0 ? -1 : 1, v.magnitude) }
    w.beginObject()
    w.member("name", name)
    for g in 0..<4 {
      let (s, m) = sm(n.weights[g])
      w.member("sigma\(g)", s)
      w.member("s\(g)", m)
    }
    for g in 0..<4 { w.member("b\(g)", n.stochasticSynapses >> UInt8(g) & 1 == 1) }
    let (ls, lm) = sm(n.leak)
    w.member("sigma_lambda", ls)
    w.member("lambda", lm)
    w.member("c_lambda", n.stochasticLeak)
    w.member("epsilon", n.leakReversal)
    w.member("alpha", n.threshold)
    w.member("beta", n.negativeThreshold)
    w.member("TM", n.thresholdMaskBits)
    w.member("gamma", n.resetMode.rawValue)
    w.member("kappa", n.kappa)
    w.member("sigma_VR", n.resetPotential < 0 ? -1 : 1)
    w.member("VR", resetExponent(n.resetPotential) ?? 0)
    w.member("V", n.potential)
    w.endObject()
  }

  /// Writes a model as `model.json` atomically, pins on the cores of `outputBus`.
  public static func save(_ model: Model, to path: String, outputBus: IBMOutputBus = IBMOutputBus()) throws {
    try writeFileAtomically(try fileBytes(model, outputBus: outputBus), to: path)
  }
}

extension JSONCursor {
  /// The same node under another path (for repeated keys, named by their occurrence).
  func renamed(_ path: String) -> JSONCursor { JSONCursor(node, file: file, path: path) }

  /// The `name` member of an object, or "".
  var name: String { (try? optional("name")?.string()) ?? "" }
}
