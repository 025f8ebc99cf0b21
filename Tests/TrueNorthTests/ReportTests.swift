import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Whether `text` is well-formed XML with an `svg` root element.
func isWellFormedSVG(_ text: String) -> Bool {
  final class Root: NSObject, XMLParserDelegate {
    var first: String?
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
      if first == nil { first = name }
    }
  }
  let parser = XMLParser(data: Data(text.utf8))
  let root = Root()
  parser.delegate = root
  return parser.parse() && root.first == "svg"
}

@Suite struct ReportTests {
  @Test func svgWriterEscapesAndCloses() {
    var svg = SVGWriter(width: 100, height: 50, title: "a < b & \"c\"")
    svg.text("x > y & z", x: 1, y: 2)
    svg.rect(x: 0.5, y: 1, width: 2, height: 3, fill: "#fff", tooltip: "<tip>")
    svg.polyline([(0, 0), (1.25, 2)], stroke: "red")
    let text = svg.finished()
    #expect(text.contains("x &gt; y &amp; z"))
    #expect(text.contains("<title>&lt;tip&gt;</title>"))
    #expect(text.contains("points=\"0,0 1.25,2\""))
    #expect(text.hasSuffix("</svg>\n"))
    #expect(isWellFormedSVG(text))
    #expect(SVGWriter.heatColour(0) == "#ffffcc")
    #expect(SVGWriter.heatColour(1) == "#800026")
  }

  @Test func reportFilesAreProducedAndWellFormed() throws {
    let chip = try RoutingFixtures.board(chips: 2, cores: 2)
    var options = Model.RandomOptions()
    options.rateHz = 50
    let model = Model.random(chip: chip, seed: 2, options: options)
    let sim = try Simulator(model: model, recordAll: true)
    let analysis = CycleRun(chip: chip, keepSeries: true)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-report-\(UInt32.random(in: 0...UInt32.max))/nested").path
    defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
    let report = try RunReport.prepare(directory: dir)
    report.attach(to: analysis, model: model, recordAll: true)
    var none: (any SpikeSource<InputSpike>)? = nil
    let summary = try sim.runCycleFidelity(ticks: 50, input: &none, output: nil, analysis: analysis)
    try report.write(summary: summary, model: model, analysis: analysis)
    for name in RunReport.files where name.hasSuffix(".svg") {
      let text = String(decoding: try readFile(dir + "/" + name), as: UTF8.self)
      #expect(isWellFormedSVG(text), "\(name)")
    }
    let raster = String(decoding: try readFile(dir + "/raster.svg"), as: UTF8.self)
    #expect(raster.contains("<rect"))
    let json = try JSONCursor.parse(try readFile(dir + "/summary.json"), file: "summary.json")
    #expect(try json.required("ticks").int64() == 50)
    #expect(try json.required("fidelity").string() == "cycle")
    let perTick = try json.required("perTick")
    #expect(try perTick.required("cycles").elements().count == 50)
    let hops = try perTick.required("hops").elements().reduce(Int64(0)) { total, e throws(InputError) in total + (try e.int64()) }
    #expect(hops == analysis.totals.hops)
    #expect(try json.required("traffic").required("hops").int64() == analysis.totals.hops)
    #expect(try json.required("cycles").required("budget").int64() == 1_000_000)
    #expect(try json.required("chipLinks").elements().count > 0)
  }

  @Test func reportFolderThatIsAFileIsAnError() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-report-file-\(UInt32.random(in: 0...UInt32.max))").path
    FileManager.default.createFile(atPath: file, contents: Data())
    defer { try? FileManager.default.removeItem(atPath: file) }
    #expect(throws: InputError(file: file, value: file, allowed: "a folder", message: "a report needs a folder; this is a file")) {
      _ = try RunReport.prepare(directory: file)
    }
  }
}
