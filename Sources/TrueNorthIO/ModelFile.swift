import Foundation
import TrueNorth

/// tnsim's model file (JSON, docs/model-format.md): reading and writing.
extension Model {
  /// The neuron fields of the file, in the order they are written.
  static let neuronFields = NeuronField.allCases.map(\.rawValue)

  /// A neuron field of the file, so that the per-neuron loops switch on an integer, not a string.
  enum NeuronField: String, CaseIterable {
    case weights, stochasticSynapses, leak, stochasticLeak, leakReversal, threshold, negativeThreshold
    case thresholdMaskBits, resetMode, resetPotential, kappa, potential, destination
  }

  /// Loads a model file, resolving its chip reference (or using `chip` instead) and checking
  /// every value against the chip.
  /// - Throws: `InputError` naming the file, line, JSON path, field and allowed values; for a
  ///   model that parses but does not fit the chip, the first violation and their count.
  public static func load(path: String, chip: ChipDefinition? = nil) throws(InputError) -> Model {
    let (model, lines) = try parse(fileAt: path, chip: chip)
    let violations = model.violations()
    if let first = violations.first {
      let more = violations.count > 1 ? " (and \(violations.count - 1) more: run `tnsim validate \(path)`)" : ""
      throw InputError(file: path, line: first.core.flatMap { lines[$0] }, path: first.location,
        message: first.description + more)
    }
    return model
  }

  /// Reads and parses the model file at `path` without checking values against the chip (see
  /// `violations()`). The file is mapped, not copied, when the system allows.
  /// - Returns: the model and the line of each core's object, for error messages.
  /// - Throws: `InputError` naming the file, line, JSON path and field.
  public static func parse(fileAt path: String, chip override: ChipDefinition? = nil)
    throws(InputError) -> (Model, coreLines: [Int])
  {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
      return try parse(try readFile(path), file: path, chip: override)
    }
    let fast = data.withUnsafeBytes { raw in
      parseStreaming(raw.bindMemory(to: UInt8.self), file: path, chip: override)
    }
    if let fast { return fast }
    return try parseTree([UInt8](data), file: path, chip: override)
  }

  /// Parses a model file without checking values against the chip (see `violations()`).
  ///
  /// The streaming reader (`ModelFile+Stream.swift`) reads files of the shape tnsim writes; any
  /// file it does not take, valid or not, is read by `parseTree`, which words the errors.
  /// - Returns: the model and the line of each core's object, for error messages.
  /// - Throws: `InputError` naming the file, line, JSON path and field.
  public static func parse(_ bytes: [UInt8], file: String, chip override: ChipDefinition? = nil)
    throws(InputError) -> (Model, coreLines: [Int])
  {
    let fast = bytes.withUnsafeBufferPointer { parseStreaming($0, file: file, chip: override) }
    if let fast { return fast }
    return try parseTree(bytes, file: file, chip: override)
  }

  /// The slow, obvious reader: the whole file as a JSON tree, then the model from the tree. It is
  /// what words every error, and the reference the streaming reader is tested against.
  static func parseTree(_ bytes: [UInt8], file: String, chip override: ChipDefinition? = nil)
    throws(InputError) -> (Model, coreLines: [Int])
  {
    let root = try JSONCursor.parse(bytes, file: file)
    try root.rejectUnknownKeys(["format", "version", "chip", "seed", "cores", "description"])
    let format = try root.required("format")
    guard try format.string() == "tnsim-model" else {
      throw format.fail("expected \"tnsim-model\" (is this a chip definition or another tool's file?)")
    }
    _ = try root.required("version").int(in: 1...1, allowed: "1")
    let chipCursor = try root.required("chip")
    let reference = try chipCursor.string()
    let chip: ChipDefinition
    if let override {
      chip = override
    } else {
      let directory = URL(fileURLWithPath: file).deletingLastPathComponent().path
      do {
        chip = try ChipDefinition.resolve(reference, relativeTo: directory)
      } catch {
        throw chipCursor.fail("cannot resolve the chip \"\(reference)\": \(error)")
      }
    }
    let seed = UInt64(bitPattern: try root.optional("seed")?.int64() ?? 1)
    var model = Model(chip: chip, chipReference: reference, seed: seed)
    var lines: [Int] = []
    for core in try root.required("cores").elements() {
      model.cores.append(try parseCore(core, chip: chip))
      lines.append(core.node.line)
    }
    return (model, lines)
  }

  static func parseCore(_ c: JSONCursor, chip: ChipDefinition) throws(InputError) -> CoreConfig {
    try c.rejectUnknownKeys(["x", "y", "seed", "axonTypes", "crossbar", "synapses", "neurons"])
    let representable = Int(Int32.min)...Int(Int32.max)
    var core = CoreConfig(
      x: try c.required("x").int(in: representable), y: try c.required("y").int(in: representable),
      axons: chip.axonsPerCore, neurons: chip.neuronsPerCore)
    if let s = try c.optional("seed") { core.seed = UInt64(bitPattern: try s.int64()) }
    if let t = try c.optional("axonTypes") {
      if t.arrayCount != nil {
        core.axonTypes = try t.ints(in: 0...255, count: chip.axonsPerCore).map { UInt8($0) }
      } else {
        core.axonTypes = [UInt8](repeating: UInt8(try t.int(in: 0...255)), count: chip.axonsPerCore)
      }
    }
    let crossbar = try c.optional("crossbar")
    let synapses = try c.optional("synapses")
    if crossbar != nil && synapses != nil {
      throw c.fail("give either \"crossbar\" (hex rows) or \"synapses\" (axon, neuron pairs), not both")
    }
    if let crossbar {
      if case .array(let nodes) = crossbar.node.value, nodes.count == chip.axonsPerCore {
        // Rows read from their nodes; a cursor (which names the row in an error) only for a row
        // that is not 64 plain hex digits.
        for (i, node) in nodes.enumerated() {
          if case .string(let text) = node.value, let words = plainHexRow(text, neurons: chip.neuronsPerCore) {
            core.crossbar.setRow(i, words)
          } else {
            core.crossbar.setRow(i, try parseHexRow(crossbar.element(node, i), neurons: chip.neuronsPerCore))
          }
        }
      } else {
        let rows = try crossbar.elements()
        guard rows.count == chip.axonsPerCore else {
          throw crossbar.fail("expected \(chip.axonsPerCore) rows (one per axon), found \(rows.count)")
        }
        for (i, row) in rows.enumerated() {
          core.crossbar.setRow(i, try parseHexRow(row, neurons: chip.neuronsPerCore))
        }
      }
    }
    if let synapses {
      for pair in try synapses.elements() {
        let v = try pair.ints(in: 0...Int(Int32.max), count: 2)
        guard v[0] < chip.axonsPerCore else {
          throw pair.fail("axon \(v[0]) is out of range; allowed: 0...\(chip.axonsPerCore - 1)")
        }
        guard v[1] < chip.neuronsPerCore else {
          throw pair.fail("neuron \(v[1]) is out of range; allowed: 0...\(chip.neuronsPerCore - 1)")
        }
        core.crossbar[v[0], v[1]] = true
      }
    }
    if let n = try c.optional("neurons") {
      if n.arrayCount != nil {
        try parseNeuronList(n, into: &core.neurons)
      } else {
        try parseNeuronColumns(n, into: &core.neurons)
      }
    }
    return core
  }

  /// Reversed nibbles: hex digit v holds neurons 4k...4k+3 most significant bit first, so
  /// neuron 4k is bit 3 of v and bit 0 of the row's word.
  static let reversedNibble: [UInt64] = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15]

  /// For each byte of a crossbar row: the reversed nibble of a hex digit, `hexSkip` for a
  /// separator (space, underscore), else `hexInvalid`.
  static let hexDigitTable: [UInt8] = (0..<256).map { c -> UInt8 in
    switch c {
    case 0x30...0x39: return UInt8(reversedNibble[c - 0x30])
    case 0x41...0x46: return UInt8(reversedNibble[c - 0x41 + 10])
    case 0x61...0x66: return UInt8(reversedNibble[c - 0x61 + 10])
    case 0x20, 0x5F: return hexSkip
    default: return hexInvalid
    }
  }
  static let hexSkip: UInt8 = 0x10
  static let hexInvalid: UInt8 = 0xFF

  /// The common row of a 256-neuron core: exactly 64 hex digits, no separators, decoded as four
  /// words of 16 digits; nil for any other row (which `parseHexRow` reads or refuses).
  static func plainHexRow(_ text: String, neurons: Int) -> SIMD4<UInt64>? {
    guard neurons == 256, text.utf8.count == 64 else { return nil }
    var text = text
    return text.withUTF8 { plainHexRow($0) }
  }

  /// `plainHexRow` of a row's bytes (the quotes excluded): 64 hex digits, else nil.
  static func plainHexRow(_ buffer: UnsafeBufferPointer<UInt8>) -> SIMD4<UInt64>? {
    guard buffer.count == 64 else { return nil }
    return Self.hexDigitTable.withUnsafeBufferPointer { table -> SIMD4<UInt64>? in
      var w = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
      var valid: UInt8 = 0
      for k in 0..<16 {
        let a = table[Int(buffer[k])], b = table[Int(buffer[16 + k])]
        let c = table[Int(buffer[32 + k])], d = table[Int(buffer[48 + k])]
        valid |= a | b | c | d
        let shift = UInt64(k * 4)
        w.0 |= UInt64(a) << shift
        w.1 |= UInt64(b) << shift
        w.2 |= UInt64(c) << shift
        w.3 |= UInt64(d) << shift
      }
      return valid < 16 ? SIMD4(w.0, w.1, w.2, w.3) : nil
    }
  }

  static func parseHexRow(_ row: JSONCursor, neurons: Int) throws(InputError) -> SIMD4<UInt64> {
    var text = try row.string()
    if let words = plainHexRow(text, neurons: neurons) { return words }
    let digitsNeeded = (neurons + 3) / 4
    var words = SIMD4<UInt64>.zero
    var digit = 0
    var bad: UInt8? = nil
    Self.hexDigitTable.withUnsafeBufferPointer { table in
      text.withUTF8 { buffer in
        for ch in buffer {
          let v = table[Int(ch)]
          if v == Self.hexSkip { continue }
          if v == Self.hexInvalid {
            bad = ch
            return
          }
          if digit < 64 { words[digit >> 4] |= UInt64(v) << UInt64((digit & 15) * 4) }
          digit += 1
        }
      }
    }
    if let bad { throw row.fail("invalid hex digit '\(Character(Unicode.Scalar(bad)))' in a crossbar row") }
    guard digit == digitsNeeded else {
      throw row.fail("a crossbar row has \(digitsNeeded) hex digits (\(neurons) neurons), found \(digit > digitsNeeded ? "more" : String(digit))")
    }
    for j in neurons..<(digitsNeeded * 4) where words[j >> 6] >> UInt64(j & 63) & 1 == 1 {
      throw row.fail("bit for neuron \(j) is set; the core has \(neurons)")
    }
    return words
  }

  /// The list form: an array of at most `neuronsPerCore` objects, one per neuron, each with any
  /// of the neuron fields; neurons not listed keep the defaults.
  static func parseNeuronList(_ n: JSONCursor, into neurons: inout [Neuron]) throws(InputError) {
    let list = try n.elements()
    guard list.count <= neurons.count else {
      throw n.fail("\(list.count) neurons listed; the core has \(neurons.count)")
    }
    for (j, item) in list.enumerated() {
      try item.rejectUnknownKeys(neuronFieldSet)
      for field in NeuronField.allCases {
        if let value = try item.optional(field.rawValue) { try setField(field, value, &neurons[j]) }
      }
    }
  }

  /// The column form: an object whose members are neuron fields, each either one value for all
  /// neurons or an array of exactly `neuronsPerCore` values.
  static func parseNeuronColumns(_ n: JSONCursor, into neurons: inout [Neuron]) throws(InputError) {
    try n.rejectUnknownKeys(neuronFieldSet)
    for field in NeuronField.allCases {
      guard let value = try n.optional(field.rawValue) else { continue }
      let perNeuron: Bool
      switch field {
      case .weights, .stochasticSynapses:
        // One value is itself an array of 4; per neuron it is an array of such arrays.
        if case .array(let a) = value.node.value, let first = a.first, first.value.isArray {
          perNeuron = true
        } else {
          perNeuron = false
        }
      case .destination:
        perNeuron = true
      default:
        perNeuron = value.arrayCount != nil
      }
      if perNeuron {
        guard let count = value.arrayCount else { _ = try value.elements(); continue }
        guard count == neurons.count else {
          throw value.fail("expected one value or an array of \(neurons.count) (one per neuron), found \(count)")
        }
        switch value.node.value {
        case .integers(let a):
          for j in 0..<neurons.count where !setIntegerField(field, a[j], &neurons[j]) {
            try setField(field, value.element(JSONNode(.integer(a[j]), line: value.node.line), j), &neurons[j])
          }
        case .array(let a):
          for j in 0..<neurons.count where !setFieldQuickly(field, a[j].value, &neurons[j]) {
            try setField(field, value.element(a[j], j), &neurons[j])
          }
        default:
          break
        }
      } else if !neurons.isEmpty {
        // One value for all: read it once, then copy the field.
        try setField(field, value, &neurons[0])
        let first = neurons[0]
        for j in 1..<neurons.count { copyField(field, from: first, to: &neurons[j]) }
      }
    }
  }

  /// Copies one field of `source` into `neuron`.
  static func copyField(_ field: NeuronField, from source: Neuron, to neuron: inout Neuron) {
    switch field {
    case .weights: neuron.weights = source.weights
    case .stochasticSynapses: neuron.stochasticSynapses = source.stochasticSynapses
    case .leak: neuron.leak = source.leak
    case .stochasticLeak: neuron.stochasticLeak = source.stochasticLeak
    case .leakReversal: neuron.leakReversal = source.leakReversal
    case .threshold: neuron.threshold = source.threshold
    case .negativeThreshold: neuron.negativeThreshold = source.negativeThreshold
    case .thresholdMaskBits: neuron.thresholdMaskBits = source.thresholdMaskBits
    case .resetMode: neuron.resetMode = source.resetMode
    case .resetPotential: neuron.resetPotential = source.resetPotential
    case .kappa: neuron.kappa = source.kappa
    case .potential: neuron.potential = source.potential
    case .destination: neuron.destination = source.destination
    }
  }

  static let neuronFieldSet = Set(neuronFields)

  /// Sets an integer field to `v` when the field takes an integer and `v` is allowed; false
  /// otherwise (then `setField` reads the value the general way and throws its error).
  @inline(__always)
  static func setIntegerField(_ field: NeuronField, _ v: Int64, _ neuron: inout Neuron) -> Bool {
    guard let x = Int32(exactly: v) else { return false }
    switch field {
    case .leak: neuron.leak = x
    case .threshold: neuron.threshold = x
    case .negativeThreshold: neuron.negativeThreshold = x
    case .thresholdMaskBits:
      guard (0...31).contains(x) else { return false }
      neuron.thresholdMaskBits = x
    case .resetMode:
      guard let mode = ResetMode(rawValue: x) else { return false }
      neuron.resetMode = mode
    case .resetPotential: neuron.resetPotential = x
    case .potential: neuron.potential = x
    default: return false
    }
    return true
  }

  /// `setField` for the common shapes of a per-neuron value (an integer, a boolean, 4 integers
  /// of weights or a destination), with no cursor; false for anything else or anything not
  /// allowed (then `setField` reads it the general way and throws its error).
  @inline(__always)
  static func setFieldQuickly(_ field: NeuronField, _ value: JSONValue, _ neuron: inout Neuron) -> Bool {
    switch value {
    case .integer(let v): return setIntegerField(field, v, &neuron)
    case .bool(let b):
      switch field {
      case .stochasticLeak: neuron.stochasticLeak = b
      case .leakReversal: neuron.leakReversal = b
      case .kappa: neuron.kappa = b
      default: return false
      }
      return true
    case .null:
      guard field == .destination else { return false }
      neuron.destination = .none
      return true
    case .integers(let a):
      guard a.count == 4, let a0 = Int32(exactly: a[0]), let a1 = Int32(exactly: a[1]),
        let a2 = Int32(exactly: a[2]), let a3 = Int32(exactly: a[3])
      else { return false }
      switch field {
      case .weights: neuron.weights = SIMD4(a0, a1, a2, a3)
      case .destination: neuron.destination = .axon(dx: a0, dy: a1, axon: a2, delay: a3)
      default: return false
      }
      return true
    default:
      return false
    }
  }

  static func setField(_ field: NeuronField, _ v: JSONCursor, _ neuron: inout Neuron) throws(InputError) {
    let r = Int(Int32.min)...Int(Int32.max)
    switch field {
    case .weights:
      let w = try v.ints(in: r, count: 4)
      neuron.weights = SIMD4(Int32(w[0]), Int32(w[1]), Int32(w[2]), Int32(w[3]))
    case .stochasticSynapses:
      let items = try v.elements()
      guard items.count == 4 else { throw v.fail("expected 4 booleans (one per axon type), found \(items.count)") }
      var mask: UInt8 = 0
      for g in 0..<4 where try items[g].bool() { mask |= 1 << UInt8(g) }
      neuron.stochasticSynapses = mask
    case .leak: neuron.leak = Int32(try v.int(in: r))
    case .stochasticLeak: neuron.stochasticLeak = try v.bool()
    case .leakReversal: neuron.leakReversal = try v.bool()
    case .threshold: neuron.threshold = Int32(try v.int(in: r))
    case .negativeThreshold: neuron.negativeThreshold = Int32(try v.int(in: r))
    case .thresholdMaskBits: neuron.thresholdMaskBits = Int32(try v.int(in: 0...31))
    case .resetMode:
      neuron.resetMode = ResetMode(rawValue: Int32(try v.int(in: 0...2, allowed: "0 (normal), 1 (linear), 2 (none)")))!
    case .resetPotential: neuron.resetPotential = Int32(try v.int(in: r))
    case .kappa: neuron.kappa = try v.bool()
    case .potential: neuron.potential = Int32(try v.int(in: r))
    case .destination: neuron.destination = try parseDestination(v)
    }
  }

  static func parseDestination(_ v: JSONCursor) throws(InputError) -> Destination {
    let r = Int(Int32.min)...Int(Int32.max)
    if v.isNull { return .none }
    if v.arrayCount != nil {
      let d = try v.ints(in: r, count: 4)
      return .axon(dx: Int32(d[0]), dy: Int32(d[1]), axon: Int32(d[2]), delay: Int32(d[3]))
    }
    if let pin = try v.optional("pin") {
      try v.rejectUnknownKeys(["pin"])
      return .pin(Int32(try pin.int(in: 0...Int(Int32.max))))
    }
    try v.rejectUnknownKeys(["dx", "dy", "axon", "delay"])
    return .axon(
      dx: Int32(try v.required("dx").int(in: r)), dy: Int32(try v.required("dy").int(in: r)),
      axon: Int32(try v.required("axon").int(in: r)), delay: Int32(try v.required("delay").int(in: r)))
  }
}

extension JSONValue {
  var isArray: Bool {
    switch self {
    case .array, .integers: return true
    default: return false
    }
  }
}

// MARK: - Writing

extension Model {
  /// The model as a tnsim model file (column form, one core per line block). `Model.parse`
  /// of the result gives back an equal model.
  public func fileBytes() -> [UInt8] {
    var w = JSONTextWriter()
    w.beginObject()
    w.lineBreak(indent: 2)
    w.member("format", "tnsim-model")
    w.lineBreak(indent: 2)
    w.member("version", 1)
    w.lineBreak(indent: 2)
    w.member("chip", chipReference)
    w.lineBreak(indent: 2)
    w.member("seed", Int64(bitPattern: seed))
    w.lineBreak(indent: 2)
    w.key("cores")
    w.beginArray()
    for core in cores {
      w.lineBreak(indent: 4)
      writeCore(core, &w)
    }
    w.endArray(lineBreak: 2)
    w.endObject(lineBreak: 0)
    w.endLine()
    return w.bytes
  }

  /// One core: position and seed on the first line, then axon types, crossbar rows (four hex
  /// rows per line) and neuron columns.
  func writeCore(_ core: CoreConfig, _ w: inout JSONTextWriter) {
    w.beginObject()
    w.member("x", core.x)
    w.member("y", core.y)
    if let s = core.seed { w.member("seed", Int64(bitPattern: s)) }
    w.lineBreak(indent: 5)
    w.key("axonTypes")
    if let t = core.axonTypes.first, core.axonTypes.allSatisfy({ $0 == t }) {
      w.value(t)
    } else {
      w.array(core.axonTypes)
    }
    w.lineBreak(indent: 5)
    w.key("crossbar")
    w.beginArray(.compact)
    let digits = (chip.neuronsPerCore + 3) / 4
    var row: [UInt8] = []
    for i in 0..<core.crossbar.axons {
      if i % 4 == 0 { w.lineBreak(indent: 6) }
      Self.hexRow(core.crossbar.row(i), digits: digits, into: &row)
      w.value(utf8: row)
    }
    w.endArray()
    w.lineBreak(indent: 5)
    w.key("neurons")
    w.beginObject()
    writeNeuronColumns(core.neurons, &w)
    w.endObject()
    w.endObject()
  }

  func writeNeuronColumns(_ neurons: [Neuron], _ w: inout JSONTextWriter) {
    func column<T: Equatable>(_ name: String, _ value: (Neuron) -> T, _ write: (T, inout JSONTextWriter) -> Void) {
      w.lineBreak(indent: 7)
      w.key(name)
      let v0 = value(neurons[0])
      if name != "destination" && neurons.allSatisfy({ value($0) == v0 }) {
        write(v0, &w)
        return
      }
      w.beginArray(.compact)
      for n in neurons { write(value(n), &w) }
      w.endArray()
    }
    let int = { (v: Int32, w: inout JSONTextWriter) in w.value(v) }
    let bool = { (v: Bool, w: inout JSONTextWriter) in w.value(v) }
    column("weights", { $0.weights }) { v, w in w.array([v[0], v[1], v[2], v[3]]) }
    column("stochasticSynapses", { $0.stochasticSynapses }) { m, w in
      w.beginArray(.compact)
      for g in 0..<4 { w.value(m >> UInt8(g) & 1 == 1) }
      w.endArray()
    }
    column("leak", { $0.leak }, int)
    column("stochasticLeak", { $0.stochasticLeak }, bool)
    column("leakReversal", { $0.leakReversal }, bool)
    column("threshold", { $0.threshold }, int)
    column("negativeThreshold", { $0.negativeThreshold }, int)
    column("thresholdMaskBits", { $0.thresholdMaskBits }, int)
    column("resetMode", { $0.resetMode.rawValue }, int)
    column("resetPotential", { $0.resetPotential }, int)
    column("kappa", { $0.kappa }, bool)
    column("potential", { $0.potential }, int)
    column("destination", { $0.destination }) { d, w in
      switch d {
      case .none: w.null()
      case .axon(let dx, let dy, let axon, let delay): w.array([dx, dy, axon, delay])
      case .pin(let p):
        w.beginObject(.compact)
        w.member("pin", p)
        w.endObject()
      }
    }
  }

  /// A crossbar row as `digits` hex digits, neuron 0 in the most significant bit of the first.
  static func hexRow(_ row: SIMD4<UInt64>, digits: Int, into out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.removeAll(keepingCapacity: true)
    for k in 0..<digits {
      var v = 0
      for b in 0..<4 {
        let neuron = k * 4 + b
        if neuron < 256, row[neuron >> 6] >> UInt64(neuron & 63) & 1 == 1 { v |= 1 << (3 - b) }
      }
      out.append(hex[v])
    }
  }

  /// Writes the model file atomically (a temporary file renamed over the target).
  /// - Throws: `InputError` naming the file or folder that cannot be written.
  public func save(to path: String) throws(InputError) {
    try writeFileAtomically(fileBytes(), to: path)
  }
}
