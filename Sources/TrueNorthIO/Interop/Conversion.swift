import Foundation
import TrueNorth

/// The formats `tnsim convert` reads and writes: three model formats and six spike formats.
public enum InteropFormat: String, Sendable, CaseIterable {
  /// tnsim's model file (docs/model-format.md).
  case tnsim
  /// The IBM toolchain's `model.json`.
  case ibm
  /// RANC's `input.json` + `config.json`.
  case ranc
  /// tnsim's CSV spike file (input or output spikes).
  case csv
  /// tnsim's binary spike file.
  case tnspk
  /// IBM text input spikes.
  case sfti
  /// IBM binary (RAWI3) input spikes.
  case sfri
  /// IBM binary (RAWO6) output spikes.
  case sfro
  /// RANC's output text.
  case rancOutput = "ranc-output"

  public var isModel: Bool { self == .tnsim || self == .ibm || self == .ranc }

  /// The spike format a file name's extension names, or nil.
  public static func fromExtension(_ path: String) -> InteropFormat? {
    for (suffix, format) in [(".csv", csv), (".tnspk", tnspk), (".sfti", sfti), (".sfri", sfri), (".sfro", sfro), (".txt", rancOutput)]
    where path.hasSuffix(suffix) {
      return format
    }
    return nil
  }

  /// The format of an existing file, from its content.
  /// - Throws: `InputError` when the file cannot be read or is no format tnsim knows.
  public static func detect(path: String) throws(InputError) -> InteropFormat {
    switch try? SpikeFileKind.detect(path: path) {
    case .ibm(.textInput): return .sfti
    case .ibm(.binaryInput): return .sfri
    case .ibm(.binaryOutput): return .sfro
    case .rancOutput: return .rancOutput
    case .tnsim:
      let head = try readFile(path).prefix(16)
      return head.starts(with: Array("TNSPIKES".utf8)) ? .tnspk : .csv
    case .rancInput, nil:
      let root = try JSONCursor.parse(try readFile(path), file: path)
      let keys = Set(try root.members().map(\.key))
      if keys.contains("neuronTypes") || keys.contains("core") { return .ibm }
      if keys.contains("format") { return .tnsim }
      if keys.contains("cores") || keys.contains("packets") { return .ranc }
      throw InputError(file: path, message: "not a model or spike file tnsim knows (tnsim, IBM model.json, RANC input.json, spike files)")
    }
  }
}

/// What `tnsim convert` was asked to do.
public struct ConversionRequest: Sendable {
  public var input: String
  public var output: String
  /// nil = detected from the content.
  public var from: InteropFormat?
  /// nil = from the output's extension (`.json` is tnsim for a model from IBM or RANC).
  public var to: InteropFormat?
  /// The chip for IBM and RANC models and for RANC packets (default `truenorth`), or for a
  /// tnsim model instead of its own.
  public var chip: String?
  /// RANC's `config.json` (default: `config.json` beside the RANC `input.json`).
  public var config: String?
  /// Input spikes to write into an exported RANC `input.json` as packets.
  public var spikes: String?
  /// Lines of a RANC output text (default: up to the last spike's tick).
  public var ticks: Int?

  public init(input: String, output: String) {
    self.input = input
    self.output = output
  }
}

/// Conversions between tnsim's formats and the IBM toolchain's and RANC's (`tnsim convert`).
public enum Conversion {
  /// Converts a model or a spike file.
  /// - Returns: one line saying what was written.
  /// - Throws: `InputError` for a file that cannot be read or a request that makes no sense,
  ///   `ConversionError` for content the target format cannot express.
  public static func run(_ r: ConversionRequest) throws -> String {
    let from = try r.from ?? InteropFormat.detect(path: r.input)
    let to: InteropFormat
    if let t = r.to {
      to = t
    } else if let t = InteropFormat.fromExtension(r.output) {
      to = t
    } else if from.isModel && from != .tnsim {
      to = .tnsim
    } else {
      throw InputError(file: "--to", message: "cannot tell the output format from '\(r.output)'; give --to "
        + InteropFormat.allCases.map(\.rawValue).joined(separator: "|"))
    }
    guard from.isModel == to.isModel || (from == .ranc && !to.isModel) else {
      throw InputError(file: r.input, message: "is \(from.isModel ? "a model" : "a spike file") (\(from.rawValue)); "
        + "it cannot be converted to \(to.rawValue)")
    }
    let chip: ChipDefinition? = try r.chip.map { c throws(InputError) in try ChipDefinition.resolve(c) }
    let defaultChip = { () throws(InputError) -> ChipDefinition in
      if let chip { return chip }
      return try ChipDefinition.resolve("truenorth")
    }
    let directory = URL(fileURLWithPath: r.input).deletingLastPathComponent().path
    if from == .ranc && !to.isModel {
      let spikes = try RANCModelFiles.load(input: r.input, config: r.config ?? directory + "/config.json", chip: try defaultChip()).1
      return try writeInputs(spikes.records, to: r.output, format: to)
    }
    if !from.isModel {
      return try convertSpikes(r, from: from, to: to, chip: chip)
    }
    let model: Model
    switch from {
    case .tnsim: model = try Model.load(path: r.input, chip: chip)
    case .ibm: model = try IBMModelFile.load(path: r.input, chip: try defaultChip(), chipReference: r.chip)
    default: model = try RANCModelFiles.load(input: r.input, config: r.config ?? directory + "/config.json",
      chip: try defaultChip(), chipReference: r.chip).0
    }
    switch to {
    case .tnsim: try model.save(to: r.output)
    case .ibm: try IBMModelFile.save(model, to: r.output)
    default:
      var inputs: [InputSpike] = []
      if let s = r.spikes {
        var source = try SpikeFiles.openInput(s, chip: model.chip)
        inputs = try source.readAll()
      }
      let config = r.config ?? URL(fileURLWithPath: r.output).deletingLastPathComponent().appendingPathComponent("config.json").path
      try RANCModelFiles.save(model, inputs: inputs, input: r.output, config: config)
      return "wrote \(r.output) and \(config): \(model.cores.count) cores, \(inputs.count) input packets (RANC)"
    }
    return "wrote \(r.output): \(model.cores.count) cores on \(model.chip.name) (\(to.rawValue))"
  }

  static func convertSpikes(_ r: ConversionRequest, from: InteropFormat, to: InteropFormat, chip: ChipDefinition?) throws -> String {
    let inputKinds: Set<InteropFormat> = [.sfti, .sfri]
    let outputKinds: Set<InteropFormat> = [.sfro, .rancOutput]
    var isInput = inputKinds.contains(from)
    if !isInput && !outputKinds.contains(from) {
      isInput = (try? SpikeReader<InputSpike>(path: r.input)) != nil
    }
    if isInput {
      var source = try SpikeFiles.openInput(r.input, chip: chip)
      return try writeInputs(try source.readAll(), to: r.output, format: to)
    }
    guard !inputKinds.contains(to) else {
      throw InputError(file: r.input, message: "holds output spikes; \(to.rawValue) holds input spikes")
    }
    var source = try SpikeFiles.openOutput(r.input)
    let spikes = try source.readAll()
    if to != .rancOutput && to != .sfro, let s = spikes.first(where: { $0.core < 0 }) {
      throw ConversionError(format: to.rawValue, field: "core", message: "the spike to pin \(s.pin) in tick \(s.tick) "
        + "has no core or neuron (RANC output); compare such files with tnsim diff instead")
    }
    let sink: any SpikeFileSink<OutputSpike>
    switch to {
    case .sfro: sink = BufferedSpikeSink(path: r.output) { IBMSpikeFile.binaryOutputBytes($0) }
    case .rancOutput: sink = try InteropSpikeFiles.createOutput(r.output, ticks: r.ticks, outputs: nil, ranc: true)
    default: sink = try SpikeWriter<OutputSpike>(path: r.output, format: to == .tnspk ? .binary : .csv)
    }
    for s in spikes { try sink.write(s) }
    try sink.close()
    return "wrote \(r.output): \(spikes.count) output spikes (\(to.rawValue))"
  }

  static func writeInputs(_ spikes: [InputSpike], to output: String, format: InteropFormat) throws -> String {
    guard [.csv, .tnspk, .sfti, .sfri].contains(format) else {
      throw InputError(file: output, message: "\(format.rawValue) holds output spikes; the input holds input spikes")
    }
    let sink: any SpikeFileSink<InputSpike>
    switch format {
    case .sfti: sink = BufferedSpikeSink(path: output) { try IBMSpikeFile.textInputBytes($0) }
    case .sfri: sink = BufferedSpikeSink(path: output) { try IBMSpikeFile.binaryInputBytes($0) }
    default: sink = try SpikeWriter<InputSpike>(path: output, format: format == .tnspk ? .binary : .csv)
    }
    for s in spikes { try sink.write(s) }
    try sink.close()
    return "wrote \(output): \(spikes.count) input spikes (\(format.rawValue))"
  }
}
