/** The `mgt-file` peer page (for the Document macro): `?driveId=…&itemId=…`. */
import { registerMgtFileComponent } from '@microsoft/mgt-components';
import { useBenchProvider } from './provider';

useBenchProvider();
registerMgtFileComponent();
const q = new URLSearchParams(location.search);
const el = document.createElement('mgt-file');
el.setAttribute('drive-id', q.get('driveId') ?? '');
el.setAttribute('item-id', q.get('itemId') ?? '');
document.getElementById('root')?.append(el);
