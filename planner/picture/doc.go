// Package picture draws a planned dataflow (a planner.Graph): as Graphviz's
// DOT language, as SVG laid out and rendered by Graphviz itself, and as a
// Mermaid flowchart for Markdown pages. `tdc graph` prints these; the SVG
// is also what a binary's live web page shows.
//
// # What is drawn
//
// Every operator is one box: its members, one row each, in the order a
// record meets them, with the .tdf line:column of each. A box of several
// members is a fused chain (one loop over each batch in the generated
// code) and is drawn with a double border. Every channel is one arrow,
// drawn by kind: a pipeline (records stay on their worker) thin; an
// exchange bold and labelled with its key; an exchange the checker implied
// (before a count, a join, a loop's head, ...) bold and dashed, labelled
// "implied"; a broadcast bold with a double head. Arrows into a loop's head
// that come round from its body are feedback, drawn dotted against the
// flow; arrows out of a loop say leave (or exit, for what a bounded loop
// feeds back in its last round). Each loop is a box around its operators,
// nested as the loops are.
//
// # Identifiers
//
// The SVG is meant to be scripted: the group of operator N (its ID in the
// plan, the index the generated code and the runtime use) has id "op-N"
// and class "op" plus its kind ("op chain fused", "op count", ...);
// channel N has id "ch-N" and class "ch" plus its kind ("ch exchange
// implied", "ch pipeline feedback", ...); a loop's box has id
// "loop-LINE-COL" and class "loop". When several dataflows are drawn in one
// picture (Program), each is a box with id "dataflow-NAME" and the ids
// inside start with the dataflow's name: "NAME-op-N".
//
// # Rendering
//
// SVG comes from Graphviz compiled to WebAssembly and run in-process
// (github.com/goccy/go-graphviz on wazero): no Graphviz installation is
// needed. The DOT text is the single description of the picture; SVG is
// that text laid out by Graphviz's dot engine.
package picture
