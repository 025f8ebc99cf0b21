import Foundation
import TrueNorth

/// A spike file format: one entry of the table `SpikeFormat.all`, holding everything tnsim knows
/// about it: its name, file extensions, how to recognise its content, which records it holds, and
/// its reader and writer (docs/spike-formats.md, docs/interop.md).
///
/// Readers detect the format from a file's content (`detect(path:)`), never its name; writers
/// take it from the file's extension (`forExtension(of:)`) or from an explicit name (`named(_:)`),
/// and write tnsim CSV when neither says. Every command that reads or writes spikes goes through
/// this table, so each reads and writes every format.
public struct SpikeFormat: Sendable, Hashable, CustomStringConvertible {
  /// Which spike records a format holds.
  public enum Records: Sendable, Hashable {
    /// Input spikes (tick, core, axon) only.
    case input
    /// Output spikes (tick, core, neuron, pin) only.
    case output
    /// Either kind; a file says which in its header.
    case inputOrOutput

    /// Whether the format holds input spikes.
    public var holdsInput: Bool { self != .output }
    /// Whether the format holds output spikes.
    public var holdsOutput: Bool { self != .input }
  }

  /// The format's name, as `tnsim convert --from/--to` and `tnsim run --output-format` take it.
  public let name: String
  /// What people call it, e.g. `IBM RAWO6`.
  public let title: String
  /// The file extensions (without the dot) that name it when writing; the first is the usual one.
  public let extensions: [String]
  /// The records it holds.
  public let records: Records
  /// Whether the first bytes of a file (up to 4096) are in this format.
  let matches: @Sendable ([UInt8]) -> Bool
  let makeInputReader: (@Sendable (String, ChipDefinition?) throws(InputError) -> any SpikeFileSource<InputSpike>)?
  let makeOutputReader: (@Sendable (String) throws(InputError) -> any SpikeFileSource<OutputSpike>)?
  let makeInputWriter: (@Sendable (String) throws(InputError) -> any SpikeFileSink<InputSpike>)?
  let makeOutputWriter: (@Sendable (String, OutputOptions) throws(InputError) -> any SpikeFileSink<OutputSpike>)?

  /// What a writer of output spikes may use beyond the path (`outputWriter(path:ticks:outputs:model:outputBus:)`).
  struct OutputOptions {
    /// Lines of a RANC output text.
    var ticks: Int?
    /// Tokens per line of a RANC output text.
    var outputs: Int?
    /// The model that fired the spikes: RAWO6 writes the destination it gives each neuron.
    var model: Model?
    /// The output-bus cores an IBM model.json stated (RAWO6 field 3 of spikes to pins).
    var outputBus = IBMOutputBus()
  }

  /// The name.
  public var description: String { name }

  /// Formats are equal when their names are.
  public static func == (a: SpikeFormat, b: SpikeFormat) -> Bool { a.name == b.name }

  /// Hashes the name.
  public func hash(into hasher: inout Hasher) { hasher.combine(name) }

  /// Whether this format has a writer for input spikes.
  public var writesInput: Bool { makeInputWriter != nil }
  /// Whether this format has a writer for output spikes.
  public var writesOutput: Bool { makeOutputWriter != nil }

  // MARK: - The table

  /// tnsim's CSV: a header line naming the columns, then one record per line. Any file that is
  /// none of the other formats is read as CSV (whose reader then says what is wrong).
  public static let csv = SpikeFormat(
    name: "csv", title: "tnsim CSV", extensions: ["csv"], records: .inputOrOutput, matches: { _ in true },
    makeInputReader: { path, _ throws(InputError) in try SpikeReader<InputSpike>(path: path) },
    makeOutputReader: { path throws(InputError) in try SpikeReader<OutputSpike>(path: path) },
    makeInputWriter: { path throws(InputError) in try SpikeWriter<InputSpike>(path: path, binary: false) },
    makeOutputWriter: { path, _ throws(InputError) in try SpikeWriter<OutputSpike>(path: path, binary: false) })

  /// tnsim's binary `.tnspk`: the `TNSPIKES` header, then fixed-size little-endian records.
  public static let tnspk = SpikeFormat(
    name: "tnspk", title: "tnsim binary", extensions: ["tnspk"], records: .inputOrOutput,
    matches: { $0.starts(with: SpikeReader<InputSpike>.magic) },
    makeInputReader: { path, _ throws(InputError) in try SpikeReader<InputSpike>(path: path) },
    makeOutputReader: { path throws(InputError) in try SpikeReader<OutputSpike>(path: path) },
    makeInputWriter: { path throws(InputError) in try SpikeWriter<InputSpike>(path: path, binary: true) },
    makeOutputWriter: { path, _ throws(InputError) in try SpikeWriter<OutputSpike>(path: path, binary: true) })

  /// The IBM toolchain's text input spikes (`.sfti`, encoding TEXT).
  public static let sfti = SpikeFormat(
    name: "sfti", title: "IBM text", extensions: ["sfti"], records: .input,
    matches: { IBMSpikeFile.detect($0) == .textInput },
    makeInputReader: { path, _ throws(InputError) in try IBMSpikeFile.openInput(path: path) },
    makeOutputReader: nil,
    makeInputWriter: { path throws(InputError) in try IBMSpikeFile.textInputWriter(path: path) },
    makeOutputWriter: nil)

  /// The IBM toolchain's binary input spikes (`.sfri`, encoding RAWI3).
  public static let sfri = SpikeFormat(
    name: "sfri", title: "IBM RAWI3", extensions: ["sfri"], records: .input,
    matches: { IBMSpikeFile.detect($0) == .binaryInput },
    makeInputReader: { path, _ throws(InputError) in try IBMSpikeFile.openInput(path: path) },
    makeOutputReader: nil,
    makeInputWriter: { path throws(InputError) in try IBMSpikeFile.binaryInputWriter(path: path) },
    makeOutputWriter: nil)

  /// The IBM toolchain's binary output spikes (RAWO6; `.sfro` in tnsim).
  public static let sfro = SpikeFormat(
    name: "sfro", title: "IBM RAWO6", extensions: ["sfro"], records: .output,
    matches: { IBMSpikeFile.detect($0) == .binaryOutput },
    makeInputReader: nil,
    makeOutputReader: { path throws(InputError) in try IBMSpikeFile.openOutput(path: path) },
    makeInputWriter: nil,
    makeOutputWriter: { path, o throws(InputError) in
      try IBMSpikeFile.binaryOutputWriter(path: path, destinations: o.model.map { RAWO6Destinations(model: $0, outputBus: o.outputBus) })
    })

  /// RANC's output text (`output.txt`): one line of 0/1 tokens per line, by output pin; line k
  /// holds tick k - 2 (docs/interop.md). Written with `ticks` lines of `outputs` tokens, by
  /// default enough lines for the last spike's tick and tokens for its pin.
  public static let rancOutput = SpikeFormat(
    name: "ranc-output", title: "RANC output text", extensions: ["txt"], records: .output,
    matches: { RANCOutputFile.detect($0) },
    makeInputReader: nil,
    makeOutputReader: { path throws(InputError) in try RANCOutputFile.open(path: path) },
    makeInputWriter: nil,
    makeOutputWriter: { path, o in
      BufferedSpikeSink(path: path) { spikes in
        try RANCOutputFile.bytes(spikes, ticks: o.ticks,
          outputs: o.outputs ?? Int((spikes.map(\.pin).max() ?? -1) + 1))
      }
    })

  /// The packets of RANC's `input.json`, read as input spikes (cores numbered on the chip's
  /// grid, so reading needs the chip). Written only with a model, by the RANC model export.
  public static let rancInput = SpikeFormat(
    name: "ranc-input", title: "RANC input.json packets", extensions: [], records: .input,
    matches: { head in
      head.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{")
        && IBMSpikeFile.detect(head) == nil
    },
    makeInputReader: { path, chip throws(InputError) in
      guard let chip else {
        throw InputError(file: path, field: "chip", message: "RANC packets name cores by (x, y); the chip is needed to number them")
      }
      return try RANCModelFiles.readPackets(path: path, chip: chip)
    },
    makeOutputReader: nil, makeInputWriter: nil, makeOutputWriter: nil)

  /// Every spike format, in the order documentation lists them.
  public static let all: [SpikeFormat] = [csv, tnspk, sfti, sfri, sfro, rancOutput, rancInput]

  // MARK: - Lookups

  /// The format called `name` (`csv`, `tnspk`, `sfti`, `sfri`, `sfro`, `ranc-output`, `ranc-input`).
  public static func named(_ name: String) -> SpikeFormat? { all.first { $0.name == name } }

  /// The format a path's extension names when writing, or nil (`.json` names none: it may be a
  /// model).
  public static func forExtension(of path: String) -> SpikeFormat? {
    let ext = URL(fileURLWithPath: path).pathExtension
    guard !ext.isEmpty else { return nil }
    return all.first { $0.extensions.contains(ext) }
  }

  /// The format of the first bytes of a file: the first entry other than CSV whose content
  /// matches, or CSV.
  public static func detect(_ head: [UInt8]) -> SpikeFormat {
    all.first { $0 != csv && $0.matches(head) } ?? csv
  }

  /// The format of the file at `path`, from its first 4096 bytes; a file that cannot be opened
  /// reads as CSV, whose reader then reports the problem.
  /// - Throws: `InputError` when the file is a model or chip definition rather than spikes.
  public static func detect(path: String) throws(InputError) -> SpikeFormat {
    guard case .spikes(let format) = FileKind.detect(path: path) else {
      throw InputError(file: path, message: "is a model or chip file, not a spike file")
    }
    return format
  }

  // MARK: - Readers and writers

  /// A stream of the input spikes (tick, core, axon) of a file in this format.
  /// - Parameter chip: the chip that numbers RANC packets' cores; other formats ignore it.
  /// - Throws: `InputError` when the format holds output spikes, or the file is not as allowed.
  public func inputReader(path: String, chip: ChipDefinition? = nil) throws(InputError) -> any SpikeFileSource<InputSpike> {
    guard let makeInputReader else {
      throw InputError(file: path, line: 1, field: "records", value: "output spikes", allowed: "input spikes",
        message: "holds output spikes (\(title)); expected input spikes")
    }
    return try makeInputReader(path, chip)
  }

  /// A stream of the output spikes (tick, core, neuron, pin) of a file in this format.
  /// - Throws: `InputError` when the format holds input spikes, or the file is not as allowed.
  public func outputReader(path: String) throws(InputError) -> any SpikeFileSource<OutputSpike> {
    guard let makeOutputReader else {
      throw InputError(file: path, line: 1, field: "records", value: "input spikes", allowed: "output spikes",
        message: "holds input spikes (\(title)); expected output spikes")
    }
    return try makeOutputReader(path)
  }

  /// A writer of input spikes in this format; the file is complete after `close()`.
  /// - Throws: `InputError` when the format holds no input spikes or the file cannot be created.
  public func inputWriter(path: String) throws(InputError) -> any SpikeFileSink<InputSpike> {
    guard let makeInputWriter else {
      throw InputError(file: path, field: "format", value: name, allowed: Self.names(writing: .input),
        message: "\(name) holds output spikes; the input holds input spikes")
    }
    return try makeInputWriter(path)
  }

  /// A writer of output spikes in this format; the file is complete after `close()`.
  /// - Parameters:
  ///   - ticks: lines of a RANC output text (default: up to the last spike's tick).
  ///   - outputs: tokens per line of a RANC output text (default: up to the last spike's pin).
  ///   - model: the model that fires the spikes: RAWO6 writes the destination it gives each
  ///     neuron in fields 3 and 4 (without it, a spike to no pin is written to (-1, -1)).
  ///   - outputBus: the output-bus cores of an IBM model.json (RAWO6 field 3 of spikes to pins).
  /// - Throws: `InputError` when the format holds no output spikes or the file cannot be created.
  public func outputWriter(path: String, ticks: Int? = nil, outputs: Int? = nil, model: Model? = nil, outputBus: IBMOutputBus = IBMOutputBus())
    throws(InputError) -> any SpikeFileSink<OutputSpike>
  {
    guard let makeOutputWriter else {
      throw InputError(file: path, field: "format", value: name, allowed: Self.names(writing: .output),
        message: "\(name) holds input spikes; the output holds output spikes")
    }
    return try makeOutputWriter(path, OutputOptions(ticks: ticks, outputs: outputs, model: model, outputBus: outputBus))
  }

  /// The names of the formats that write `records`, comma-separated (for messages).
  public static func names(writing records: Records) -> String {
    all.filter { records == .input ? $0.writesInput : $0.writesOutput }.map(\.name).joined(separator: ", ")
  }

  // MARK: - Detecting and choosing

  /// The input spikes of `path`, in whatever format its content is.
  /// - Parameter chip: needed for RANC packets, which name cores by (x, y).
  /// - Throws: `InputError` naming the file and, where known, the line, record and field.
  public static func openInput(_ path: String, chip: ChipDefinition? = nil) throws(InputError) -> any SpikeFileSource<InputSpike> {
    try detect(path: path).inputReader(path: path, chip: chip)
  }

  /// The output spikes of `path`, in whatever format its content is.
  /// - Throws: `InputError` naming the file and, where known, the line, record and field.
  public static func openOutput(_ path: String) throws(InputError) -> any SpikeFileSource<OutputSpike> {
    try detect(path: path).outputReader(path: path)
  }

  /// A writer of input spikes to `path` in `format`, by default the one its extension names, or CSV.
  public static func createInput(_ path: String, format: SpikeFormat? = nil) throws(InputError) -> any SpikeFileSink<InputSpike> {
    try (format ?? forExtension(of: path) ?? csv).inputWriter(path: path)
  }

  /// A writer of output spikes to `path` in `format`, by default the one its extension names, or CSV.
  /// - Parameters: `ticks`, `outputs`, `model`, `outputBus`: as `outputWriter(path:ticks:outputs:model:outputBus:)`.
  public static func createOutput(
    _ path: String, format: SpikeFormat? = nil, ticks: Int? = nil, outputs: Int? = nil, model: Model? = nil,
    outputBus: IBMOutputBus = IBMOutputBus()
  ) throws(InputError) -> any SpikeFileSink<OutputSpike> {
    try (format ?? forExtension(of: path) ?? csv).outputWriter(path: path, ticks: ticks, outputs: outputs, model: model, outputBus: outputBus)
  }
}
