// Loaded by path (DataConverter.failureConverterPath), not imported: the worker require()s it in
// every process and webpack bundles it into the workflow sandbox, so it stays plain CommonJS.
// Encoding the common attributes moves failure messages and stack traces into a payload, which the
// payload codec then encrypts like any other; Temporal's history keeps only "Encoded failure".
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
