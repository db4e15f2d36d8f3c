// The layering rule of DESIGN.md ("Layout (version 2)"): imports point down
// only. LAYERS lists src/ folders from the top (shells) to the bottom
// (engine); a module may import from its own layer and from layers below,
// never from a layer above. `npm test` runs this check
// (test/layering/layering.test.ts), which also shows that an upward import
// fails it.
const LAYERS = [
  ['cli', 'gdb', 'web'],
  ['trace'],
  ['session'],
  ['compile'],
  ['runtime'],
  ['abi'],
  ['os'],
  ['go119'],
  ['link'],
  ['arch'],
  ['engine'],
];

const group = (names) => `^src/(${names.join('|')})/`;

const forbidden = LAYERS.slice(1).map((layer, i) => {
  const above = LAYERS.slice(0, i + 1).flat();
  return {
    name: `no-upward-import-from-${layer.join('-')}`,
    comment: `src/${layer.join(', src/')} is below src/${above.join(', src/')}: it must not import from them (DESIGN.md, Layout v2)`,
    severity: 'error',
    from: { path: group(layer) },
    to: { path: group(above) },
  };
});

forbidden.push({
  name: 'no-unknown-layer',
  comment: 'every folder under src/ is a layer listed in .dependency-cruiser.cjs',
  severity: 'error',
  from: { path: '^src/', pathNot: group(LAYERS.flat()) },
  to: {},
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)node_modules/' },
  },

};
