/** The `mgt-file-list` peer page: `?driveId=…&itemId=root&pageSize=25`. */
import { registerMgtFileListComponent } from '@microsoft/mgt-components';
import { useBenchProvider } from './provider';

useBenchProvider();
registerMgtFileListComponent();
const q = new URLSearchParams(location.search);
const el = document.createElement('mgt-file-list');
el.setAttribute('drive-id', q.get('driveId') ?? '');
el.setAttribute('item-id', q.get('itemId') ?? 'root');
el.setAttribute('page-size', q.get('pageSize') ?? '25');
document.getElementById('root')?.append(el);
