import Foundation
import TrueNorth
import TrueNorthIO

let convertCommand = Command(
  name: "convert",
  summary: "Convert models and spike files between tnsim, the IBM TrueNorth toolchain and RANC.",
  usage: "convert IN OUT [--from F] [--to F] [--chip CHIPDEF] [--config PATH] [--input SPIKES] [--ticks N]",
  details: """
    Models: tnsim (model file), ibm (model.json), ranc (input.json + config.json). Spike files: csv, tnspk
    (tnsim), sfti, sfri (IBM inputs), sfro (IBM RAWO6 outputs), ranc-output (RANC output text). IN's format is
    detected from its content; OUT's from --to or its extension (.csv .tnspk .sfti .sfri .sfro .txt; .json is a
    tnsim model when IN is an IBM or RANC model). A RANC input.json converted to a spike format gives its
    packets as input spikes. Export refuses, naming core, neuron and field, what the target cannot express
    exactly. Mappings and limits: docs/interop.md.
    """,
  options: [
    Option(name: "from", value: "F", help: "IN's format: tnsim|ibm|ranc|csv|tnspk|sfti|sfri|sfro|ranc-output"),
    Option(name: "to", value: "F", help: "OUT's format (same names)"),
    Option(name: "chip", value: "CHIPDEF", help: "chip for IBM and RANC models and RANC packets (default truenorth)"),
    Option(name: "config", value: "PATH", help: "RANC config.json to read or write (default: beside input.json)"),
    Option(name: "input", value: "SPIKES", help: "input spikes to write as packets into an exported RANC input.json"),
    Option(name: "ticks", value: "N", help: "lines of a RANC output text (default: up to the last spike)"),
  ],
  run: { args in
    guard args.positional.count == 2 else {
      throw UsageError(allowed: "IN and OUT", message: "expected IN and OUT, got \(args.positional.count) arguments")
    }
    let names = ConversionFormat.all.map(\.name)
    func format(_ flag: String) throws(UsageError) -> ConversionFormat? {
      guard let s = args.string(flag) else { return nil }
      guard let f = ConversionFormat(name: s) else {
        throw UsageError(flag: flag, value: s, allowed: names.joined(separator: ", "),
          message: "'\(s)' is not a format; allowed: " + names.joined(separator: ", "))
      }
      return f
    }
    var request = ConversionRequest(input: args.positional[0], output: args.positional[1])
    request.from = try format("from")
    request.to = try format("to")
    request.chip = args.string("chip")
    request.config = args.string("config")
    request.spikes = args.string("input")
    request.ticks = try args.int("ticks", in: 0...Int(UInt32.max))
    do {
      print(try Conversion.run(request))
    } catch let error as InputError where error.field == "format" && error.file == request.output && request.to == nil {
      throw UsageError(flag: "to", value: request.output, allowed: error.allowed,
        message: "cannot tell the output format from '\(request.output)'; give --to " + names.joined(separator: "|"))
    }
    return 0
  })
