// "New script" and "Edit script" pages around the form.
import { ScriptForm, TemplatePicker, type ScriptFormProps } from './form.js';
import { Layout } from '../layout.js';

export function NewScriptPage(props: ScriptFormProps) {
  return (
    <Layout title="New script" principal={props.principal} section="scripts" editor>
      <div class="page-header">
        <h1>New script</h1>
      </div>
      <TemplatePicker selected={props.template} />
      <ScriptForm {...props} />
    </Layout>
  );
}

export function EditScriptPage(props: ScriptFormProps) {
  return (
    <Layout
      title={`Edit ${props.script?.name ?? 'script'}`}
      principal={props.principal}
      section="scripts"
      editor
    >
      <div class="page-header">
        <h1>
          Edit <a href={`/scripts/${props.script?.id}`}>{props.script?.name}</a>
        </h1>
      </div>
      <ScriptForm {...props} />
    </Layout>
  );
}
