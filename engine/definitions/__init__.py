"""Process definitions: reading BPMN/DMN/forms from a folder or an upload, checking them, bundling them."""
