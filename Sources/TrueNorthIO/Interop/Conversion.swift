import Foundation
import TrueNorth

/// The model formats `tnsim convert` reads and writes.
public enum ModelFormat: String, Sendable, CaseIterable {
  /// tnsim's model file (docs/model-format.md).
  case tnsim
  /// The IBM toolchain's `model.json`.
  case ibm
  /// RANC's `input.json` + `config.json`.
  case ranc
}

/// A format `tnsim convert` reads or writes: a model format, or a spike format of the table
/// `SpikeFormat.all`.
public enum ConversionFormat: Sendable, Equatable, CustomStringConvertible {
  /// A model format.
  case model(ModelFormat)
  /// A spike format.
  case spikes(SpikeFormat)

  /// Every format by name: the model formats, then the spike formats that can be written (RANC
  /// packets travel inside a RANC model, `ranc`).
  public static var all: [ConversionFormat] {
    ModelFormat.allCases.map { .model($0) } + SpikeFormat.all.filter { $0.writesInput || $0.writesOutput }.map { .spikes($0) }
  }

  /// The format called `name`: `tnsim`, `ibm`, `ranc`, or a spike format's name.
  public init?(name: String) {
    guard let f = Self.all.first(where: { $0.name == name }) else { return nil }
    self = f
  }

  /// The format's name.
  public var name: String {
    switch self {
    case .model(let m): return m.rawValue
    case .spikes(let s): return s.name
    }
  }

  /// The name.
  public var description: String { name }

  /// Whether this is a model format.
  public var isModel: Bool { if case .model = self { return true } else { return false } }

  /// The spike format a path's extension names, or nil.
  public static func forExtension(of path: String) -> ConversionFormat? {
    SpikeFormat.forExtension(of: path).map { .spikes($0) }
  }

  /// The format of an existing file, from its content.
  /// - Throws: `InputError` when the file cannot be read or is no format tnsim knows.
  public static func detect(path: String) throws(InputError) -> ConversionFormat {
    switch FileKind.detect(path: path) {
    case .spikes(.csv):
      // A file that cannot be opened reads as CSV; say why it cannot.
      var isDirectory: ObjCBool = false
      if !FileManager.default.isReadableFile(atPath: path) || FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue {
        _ = try readFile(path)
      }
      // Anything else falls to CSV; refuse what cannot be CSV spikes here, naming this file,
      // rather than later blaming the output's name.
      try FileKind.refuseUnknown(path: path)
      return .spikes(.csv)
    case .spikes(let format) where format != .rancInput:
      return .spikes(format)
    default:
      let root = try JSONCursor.parse(try readFile(path), file: path)
      let keys = Set(try root.members().map(\.key))
      if keys.contains("neuronTypes") || keys.contains("core") { return .model(.ibm) }
      if keys.contains("format") { return .model(.tnsim) }
      if keys.contains("cores") || keys.contains("packets") { return .model(.ranc) }
      throw InputError(file: path, message: "is not a model or spike file tnsim knows; tried " + FileKind.formatsTried)
    }
  }
}

/// What `tnsim convert` was asked to do.
public struct ConversionRequest: Sendable {
  /// The file to read.
  public var input: String
  /// The file to write.
  public var output: String
  /// nil = detected from the content.
  public var from: ConversionFormat?
  /// nil = from the output's extension (`.json` is tnsim for a model from IBM or RANC).
  public var to: ConversionFormat?
  /// The chip for IBM and RANC models and for RANC packets (default `truenorth`), or for a
  /// tnsim model instead of its own.
  public var chip: String?
  /// RANC's `config.json` (default: `config.json` beside the RANC `input.json`).
  public var config: String?
  /// Input spikes to write into an exported RANC `input.json` as packets.
  public var spikes: String?
  /// Lines of a RANC output text (default: up to the last spike's tick).
  public var ticks: Int?

  /// A request to convert `input` into `output`, formats detected and chosen by default.
  public init(input: String, output: String) {
    self.input = input
    self.output = output
  }
}

/// Conversions between tnsim's formats and the IBM toolchain's and RANC's (`tnsim convert`).
public enum Conversion {
  /// Converts a model or a spike file.
  /// - Returns: one line saying what was written.
  /// - Throws: `InputError` for a file that cannot be read or a request that makes no sense (an
  ///   output whose format cannot be told has `field` "format" and the allowed names),
  ///   `ConversionError` for content the target format cannot express.
  public static func run(_ r: ConversionRequest) throws -> String {
    let from = try r.from ?? ConversionFormat.detect(path: r.input)
    let to = try outputFormat(r, from: from)
    let chip: ChipDefinition? = try r.chip.map { c throws(InputError) in try ChipDefinition.resolve(c) }
    switch (from, to) {
    case (.model(.ranc), .spikes(let format)):
      let directory = URL(fileURLWithPath: r.input).deletingLastPathComponent().path
      let spikes = try RANCModelFiles.load(input: r.input, config: r.config ?? directory + "/config.json",
        chip: try chip ?? ChipDefinition.resolve("truenorth")).1
      return try writeInputs(spikes.records, from: r.input, to: r.output, format: format)
    case (.model(let source), .model(let target)):
      return try convertModel(r, from: source, to: target, chip: chip)
    case (.spikes(let source), .spikes(let target)):
      return try convertSpikes(r, from: source, to: target, chip: chip)
    default:
      throw InputError(file: r.input, message: "is \(from.isModel ? "a model" : "a spike file") (\(from.name)); "
        + "it cannot be converted to \(to.name)")
    }
  }

  /// The format to write: the request's, else the output's extension's, else tnsim for a model
  /// from IBM or RANC.
  static func outputFormat(_ r: ConversionRequest, from: ConversionFormat) throws(InputError) -> ConversionFormat {
    if let to = r.to ?? ConversionFormat.forExtension(of: r.output) { return to }
    if from.isModel && from != .model(.tnsim) { return .model(.tnsim) }
    let names = ConversionFormat.all.map(\.name)
    throw InputError(file: r.output, field: "format", value: r.output, allowed: names.joined(separator: "|"),
      message: "cannot tell the output format from '\(r.output)'; allowed: " + names.joined(separator: "|"))
  }

  static func convertModel(_ r: ConversionRequest, from: ModelFormat, to: ModelFormat, chip: ChipDefinition?) throws -> String {
    let defaultChip = { () throws(InputError) -> ChipDefinition in
      if let chip { return chip }
      return try ChipDefinition.resolve("truenorth")
    }
    let directory = URL(fileURLWithPath: r.input).deletingLastPathComponent().path
    let model: Model
    var outputBus = IBMOutputBus()
    switch from {
    case .tnsim: model = try Model.load(path: r.input, chip: chip)
    case .ibm: (model, outputBus) = try IBMModelFile.loadKeepingOutputBus(path: r.input, chip: try defaultChip(), chipReference: r.chip)
    case .ranc:
      model = try RANCModelFiles.load(input: r.input, config: r.config ?? directory + "/config.json",
        chip: try defaultChip(), chipReference: r.chip).0
    }
    switch to {
    case .tnsim: try model.save(to: r.output)
    case .ibm: try IBMModelFile.save(model, to: r.output, outputBus: outputBus)
    case .ranc:
      var inputs: [InputSpike] = []
      if let s = r.spikes {
        var source = try SpikeFormat.openInput(s, chip: model.chip)
        inputs = try source.readAll()
      }
      let config = r.config ?? URL(fileURLWithPath: r.output).deletingLastPathComponent().appendingPathComponent("config.json").path
      try RANCModelFiles.save(model, inputs: inputs, input: r.output, config: config)
      return "wrote \(r.output) and \(config): \(model.cores.count) cores, \(inputs.count) input packets (RANC)"
    }
    var line = "wrote \(r.output): \(model.cores.count) cores on \(model.chip.name) (\(to.rawValue))"
    if to != .ibm, !outputBus.isDefault {
      // A tnsim or RANC model keeps the pin, not the core of the IBM output bus; say so.
      let cores = Set(outputBus.cores.values).sorted().map(String.init).joined(separator: ", ")
      line += "; note: \(outputBus.cores.count) neurons send to output-bus core \(cores) in \(r.input), "
        + "which a \(to.rawValue) model does not keep (its pins go to \(IBMOutputBus.defaultCore))"
    }
    return line
  }

  static func convertSpikes(_ r: ConversionRequest, from: SpikeFormat, to: SpikeFormat, chip: ChipDefinition?) throws -> String {
    var isInput = from.records == .input
    if from.records == .inputOrOutput {
      isInput = (try? SpikeReader<InputSpike>(path: r.input)) != nil
    }
    if isInput {
      guard to.writesInput else { throw recordsMismatch(r, input: true, target: to) }
      var source = try from.inputReader(path: r.input, chip: chip)
      return try writeInputs(try source.readAll(), from: r.input, to: r.output, format: to)
    }
    guard to.writesOutput else { throw recordsMismatch(r, input: false, target: to) }
    var source = try from.outputReader(path: r.input)
    let spikes = try source.readAll()
    // Spikes without a core (RANC's output) can go only where the core is not read back as one.
    if to != .rancOutput && to != .sfro, let s = spikes.first(where: { $0.core < 0 }) {
      throw ConversionError(format: to.name, field: "core", message: "the spike to pin \(s.pin) in tick \(s.tick) "
        + "has no core or neuron (RANC output); compare such files with tnsim diff instead")
    }
    let sink = try to.outputWriter(path: r.output, ticks: r.ticks)
    for s in spikes { try sink.write(s) }
    try sink.close()
    return "wrote \(r.output): \(spikes.count) output spikes (\(to.name))"
  }

  /// A conversion between spike kinds, which no format change can make: input spikes (tick,
  /// core, axon) become output spikes only by running a model, and output spikes name no axon.
  /// Names the input file, what it holds, what the target holds and what works instead.
  static func recordsMismatch(_ r: ConversionRequest, input: Bool, target: SpikeFormat) -> InputError {
    let allowed = SpikeFormat.names(writing: input ? .input : .output)
    let instead = input
      ? "to write these input spikes, convert to one of \(allowed) (e.g. --to sfri); to get \(target.title) output spikes, "
        + "run a model on them: tnsim run MODEL --input \(r.input) --output \(r.output)"
      : "convert to one of \(allowed); output spikes name no axon, so they cannot become input spikes"
    return InputError(file: r.input, field: "format", value: target.name, allowed: allowed,
      message: "holds \(input ? "input spikes (tick, core, axon)" : "output spikes (tick, core, neuron, pin)"); "
        + "\(target.name) (\(target.title)) holds \(input ? "output" : "input") spikes only: \(instead)")
  }

  static func writeInputs(_ spikes: [InputSpike], from input: String, to output: String, format: SpikeFormat) throws -> String {
    guard format.writesInput else {
      var r = ConversionRequest(input: input, output: output)
      r.to = .spikes(format)
      throw recordsMismatch(r, input: true, target: format)
    }
    let sink = try format.inputWriter(path: output)
    for s in spikes { try sink.write(s) }
    try sink.close()
    return "wrote \(output): \(spikes.count) input spikes (\(format.name))"
  }
}
